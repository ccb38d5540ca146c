"""The all-features variant served as in production, on loopback, for the reliability tests.

Built on the benchmark's deployment helpers (bench.deployment): a fresh PostgreSQL database
and a Redis key prefix of its own, production settings with raised throttle rates, and
gunicorn with the project's gunicorn.conf.py, worker recycling included. Everything is
registered on an ``ExitStack``, so the server, the database and the keys go away however the
tests end.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench.deployment import (
    DEFAULT_DATABASE_URL,
    Deployment,
    ServerOptions,
    claim_key_prefix,
    create_database,
    deployment_env,
    install_signing_key,
    start_server,
)

ALL_FEATURES = {
    "frontend": "none",
    "use_mobile_endpoints": "y",
    "use_fingerprinting": "y",
    "use_ip_allowlist": "y",
    "use_token_cache": "y",
}
USERS_SCRIPT = Path(__file__).resolve().parent / "project_users.py"
# gunicorn.conf.py would start 5 sync workers on 2 cores (2 x cores + 1); one fewer leaves room for
# PostgreSQL and the test's own clients. Worker recycling (max_requests) stays on, as in production.
SERVER = ServerOptions(workers=4, keep_worker_recycling=True)


@dataclass
class ServedVariant:
    deployment: Deployment
    log: Path
    usernames: list[str]
    password: str
    frontend_origin: str
    refresh_cookie: str
    grace_seconds: float
    link_tokens: dict[str, str]  # verify_email, password_reset, email_change: each usable once
    mailed_user_id: int  # the user of the first two links
    staff_username: str  # with the same password
    mfa: dict  # sessions, challenges and recovery codes for the MFA endpoints (project_users.py)
    passkeys: dict | None  # an owner's session, passkey ids and authenticator answers (with the passkeys app)

    @property
    def port(self) -> int:
        return self.deployment.port


def base_database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def database_address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 5432


def _through(url: str, port: int) -> str:
    """``url`` with its host and port replaced by a loopback proxy's."""
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@127.0.0.1:{port}" if credentials else f"127.0.0.1:{port}"
    return parts._replace(netloc=netloc).geturl()


def serve(
    stack: contextlib.ExitStack,
    project: Path,
    venv: Path,
    workdir: Path,
    scenario: str,
    *,
    redis_url: str,
    users: int,
    database_proxy_port: int | None = None,
    **env: str,
) -> ServedVariant:
    """Serve ``project`` (a baked all-features variant) with ``users`` users; stopped when ``stack`` closes.

    With ``database_proxy_port`` the app reaches PostgreSQL through that loopback proxy; ``env``
    adds to or overrides the production environment.
    """
    name = "reliability_" + re.sub(r"\W", "_", scenario) + "_" + secrets.token_hex(3)
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = create_database(stack, venv, base_database_url(), name)
    key_prefix = claim_key_prefix(stack, venv, redis_url, name)
    app_database_url = _through(database_url, database_proxy_port) if database_proxy_port else database_url
    deployment = Deployment(
        name=name,
        backend=project / "backend",
        venv=venv,
        env=deployment_env(
            os.environ,
            venv,
            DATABASE_URL=app_database_url,
            REDIS_URL=redis_url,
            CACHE_KEY_PREFIX=key_prefix,
            **env,
        ),
    )
    install_signing_key(deployment, workdir)
    deployment.manage("migrate", "--noinput", "--verbosity", "0")
    users_file = workdir / "users.json"
    deployment.run_python(str(USERS_SCRIPT), str(users), str(users_file))
    details = json.loads(users_file.read_text())
    log = workdir / "gunicorn.log"
    start_server(stack, deployment, SERVER, log)
    return ServedVariant(
        deployment=deployment,
        log=log,
        usernames=details["usernames"],
        password=details["password"],
        frontend_origin=details["frontend_origin"],
        refresh_cookie=details["refresh_cookie"],
        grace_seconds=details["grace_seconds"],
        link_tokens=details["link_tokens"],
        mailed_user_id=details["mailed_user_id"],
        staff_username=details["staff_username"],
        mfa=details["mfa"],
        passkeys=details["passkeys"],
    )
