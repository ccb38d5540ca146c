"""The generated images really build and serve: the backend with production settings against
this machine's PostgreSQL and Redis (login, refresh, logout), the frontend's login page.

One test for both images, so one process owns the Docker engine it may have started.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.support.baking import DEFAULTS, bake
from tests.support.docker_engine import (
    NODE_STANDIN,
    PYTHON_STANDIN,
    EngineUnavailable,
    base_image,
    docker,
    free_port,
    running_engine,
)

ALL_FEATURES = {
    "frontend": "nextjs",
    "use_mobile_endpoints": "y",
    "use_fingerprinting": "y",
    "use_ip_allowlist": "y",
    "use_token_cache": "y",
}
IMAGE_LABEL = "template-test.image"
IMAGE_PREFIX = "template-test"
READY_TIMEOUT = 60
# As compose.production.yaml runs them: no capabilities, no privilege gain.
HARDENED = ["--cap-drop", "ALL", "--security-opt", "no-new-privileges:true"]
# The backend also on a read-only root, writing only to /tmp and its log volume.
READ_ONLY = ["--read-only", "--tmpfs", "/tmp", "--volume", "/var/log/app"]

CREATE_DATABASE = """
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as connection:
    connection.execute(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)')
    if sys.argv[3] == "create":
        connection.execute(f'CREATE DATABASE "{sys.argv[2]}"')
"""
DELETE_CACHE_KEYS = """
import sys, redis
client = redis.Redis.from_url(sys.argv[1])
keys = list(client.scan_iter(match=sys.argv[2] + ":*"))
if keys:
    client.delete(*keys)
"""


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


class Client:
    """Just enough of a browser: JSON requests to one loopback port, cookies kept by name."""

    def __init__(self, port: int, origin: str):
        self.port = port
        self.origin = origin
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []

    def request(self, method: str, path: str, body=None, headers=None, cookies=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        jar = self.cookies if cookies is None else cookies
        sent = {
            # The TLS-terminating proxy's header, or production settings redirect to HTTPS.
            "X-Forwarded-Proto": "https",
            "Origin": self.origin,
            "X-Requested-With": "XMLHttpRequest",
            "Content-Type": "application/json",
            **({"Cookie": "; ".join(f"{name}={value}" for name, value in jar.items())} if jar else {}),
            **(headers or {}),
        }
        try:
            connection.request(method, path, body=None if body is None else json.dumps(body), headers=sent)
            response = connection.getresponse()
            raw = response.read()
            self.set_cookie_headers = response.headers.get_all("Set-Cookie") or []
        finally:
            connection.close()
        for header in self.set_cookie_headers:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            cleared = not value or "max-age=0" in header.lower()
            if cleared:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        payload = json.loads(raw) if raw and response.headers.get_content_type() == "application/json" else raw
        return response.status, payload


def wait_until_ready(port: int, path: str, container: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        state = docker("inspect", "--format", "{{.State.Status}}", container, check=False).stdout.strip()
        if state != "running":
            break
        time.sleep(0.5)
    logs = docker("logs", "--tail", "40", container, check=False)
    pytest.fail(f"{container} did not answer {path}:\n{logs.stdout}{logs.stderr}")


def wait_until_healthy(container: str) -> None:
    """The image's own HEALTHCHECK command (run every 2 s here) reports healthy."""
    deadline = time.monotonic() + READY_TIMEOUT
    status = ""
    while time.monotonic() < deadline:
        status = docker("inspect", "--format", "{{.State.Health.Status}}", container).stdout.strip()
        if status == "healthy":
            return
        time.sleep(1)
    pytest.fail(f"{container} health status is {status!r}")


def build(context: Path, tag: str, **build_args: str) -> tuple[float, int]:
    """Build the image; its earlier stages get tags too, so they stay cached and, once superseded,
    are removed by label like the image itself (untagged stages would pile up)."""
    start = time.monotonic()
    args = [arg for name, value in build_args.items() for arg in ("--build-arg", f"{name}={value}")]
    stages = re.findall(r"^FROM \S+ AS (\S+)$", (context / "Dockerfile").read_text(), re.MULTILINE)
    targets = [(f"{tag}-{stage}", ["--target", stage]) for stage in stages[:-1]] + [(tag, [])]
    for target_tag, target in targets:
        command = ["build", "--network", "host", "--label", IMAGE_LABEL, *args, *target, "-t", target_tag, str(context)]
        result = docker(*command, check=False, timeout=1500)
        assert result.returncode == 0, (
            f"docker build {target_tag} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    elapsed = time.monotonic() - start
    size = int(docker("image", "inspect", "--format", "{{.Size}}", tag).stdout)
    return elapsed, size


def run_container(name: str, image: str, *options: str, env_file: Path | None = None, env: dict | None = None) -> None:
    options = [*HARDENED, *options, *(["--env-file", str(env_file)] if env_file else [])]
    options += [arg for key, value in (env or {}).items() for arg in ("--env", f"{key}={value}")]
    docker("run", "--detach", "--name", name, "--network", "host", "--health-interval", "2s", *options, image)


def run_once(image: str, *args: str, env_file: Path) -> str:
    result = docker(
        "run", "--rm", "--network", "host", "--env-file", str(env_file), image, *args, check=False, timeout=300
    )
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def assert_unprivileged(container: str, image: str) -> None:
    assert docker("exec", container, "id", "-u").stdout.strip() != "0", f"{container} runs as root"
    assert docker("image", "inspect", "--format", "{{.Config.User}}", image).stdout.strip() == "10001:10001"


def check_backend(image: str, project_venv: Path, tmp_path: Path, origin: str, containers: list[str]) -> None:
    run_id = secrets.token_hex(4)
    database = f"template_containers_{run_id}"
    base_database_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    cache_prefix = f"template-containers-{run_id}"
    python = str(project_venv / "bin" / "python")
    port = free_port()
    password = secrets.token_urlsafe(16)
    env_file = tmp_path / "backend.env"
    env_file.write_text(
        "\n".join(
            [
                f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}",
                f"JWT_SIGNING_KEY={secrets.token_urlsafe(48)}",
                f"DATABASE_URL={with_database(base_database_url, database)}",
                f"REDIS_URL={redis_url}",
                "EMAIL_URL=consolemail://",
                f"CACHE_KEY_PREFIX={cache_prefix}",
                "ALLOWED_HOSTS=127.0.0.1,localhost",
                # The generated IP allowlist must let this machine's loopback through.
                "IP_ALLOWLIST=127.0.0.0/8,::1/128",
                f"DEMO_USER_PASSWORD={password}",
                f"PORT={port}",
                # Listen on loopback only: the container shares this machine's network.
                f"GUNICORN_CMD_ARGS=--bind=127.0.0.1:{port}",
                "WEB_CONCURRENCY=2",
            ]
        )
        + "\n"
    )
    subprocess.run([python, "-c", CREATE_DATABASE, base_database_url, database, "create"], check=True, timeout=60)
    try:
        migrated = run_once(image, "migrate", env_file=env_file)
        assert "Applying accounts.0001_initial... OK" in migrated, migrated[-2000:]
        run_once(image, "manage", "create_demo_user", env_file=env_file)

        name = f"{IMAGE_PREFIX}-backend-{run_id}"
        containers.append(name)
        run_container(name, image, *READ_ONLY, env_file=env_file)
        wait_until_ready(port, "/healthz", name)
        assert_unprivileged(name, image)

        client = Client(port, origin)
        assert client.request("GET", "/healthz")[1] == {"status": "ok", "database": "ok"}
        # collectstatic ran at build time and whitenoise serves the result.
        status, _ = client.request("GET", "/static/admin/css/base.css")
        assert status == 200

        status, body = client.request("POST", "/api/auth/login/", {"username": "demo", "password": password})
        assert status == 200, body
        assert body["user"]["username"] == "demo" and body["access"]
        refresh_cookie = next(
            header for header in client.set_cookie_headers if header.startswith("__Secure-refresh_token=")
        )
        for attribute in ("HttpOnly", "Secure", "Path=/api/auth/"):
            assert attribute in refresh_cookie, refresh_cookie

        status, verified = client.request(
            "GET", "/api/auth/verify/", headers={"Authorization": f"Bearer {body['access']}"}
        )
        assert status == 200 and verified["valid"] is True, verified

        first_refresh = client.cookies["__Secure-refresh_token"]
        status, refreshed = client.request("POST", "/api/auth/refresh/")
        assert status == 200 and refreshed["access"], refreshed
        rotated = dict(client.cookies)
        assert rotated["__Secure-refresh_token"] != first_refresh

        status, _ = client.request("POST", "/api/auth/logout/")
        assert status == 204
        status, _ = client.request("POST", "/api/auth/refresh/", cookies=rotated)
        assert status == 401, "the refresh token still works after logout"

        wait_until_healthy(name)
    finally:
        subprocess.run([python, "-c", CREATE_DATABASE, base_database_url, database, "drop"], check=False, timeout=60)
        subprocess.run([python, "-c", DELETE_CACHE_KEYS, redis_url, cache_prefix], check=False, timeout=60)


def check_frontend(image: str, containers: list[str]) -> None:
    port = free_port()
    name = f"{IMAGE_PREFIX}-frontend-{secrets.token_hex(4)}"
    containers.append(name)
    run_container(name, image, env={"PORT": str(port), "HOSTNAME": "127.0.0.1"})
    wait_until_ready(port, "/login", name)
    assert_unprivileged(name, image)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/login")
        response = connection.getresponse()
        page = response.read().decode()
    finally:
        connection.close()
    assert response.status == 200 and "<html" in page
    wait_until_healthy(name)


@pytest.mark.full
def test_images_build_and_serve_with_production_settings(tmp_path, project_venv, record_property):
    start = time.monotonic()
    project = bake(tmp_path / "project", **ALL_FEATURES)
    # Production's default CORS origin: the frontend at https://<domain_name>.
    origin = f"https://{DEFAULTS['domain_name']}"
    slug = project.name
    containers: list[str] = []
    try:
        with running_engine():
            try:
                python_image = base_image("TEMPLATE_TEST_PYTHON_IMAGE", PYTHON_STANDIN)
                node_image = base_image("TEMPLATE_TEST_NODE_IMAGE", NODE_STANDIN)
                backend_image = f"{IMAGE_PREFIX}/{slug}-backend"
                backend_time, backend_size = build(project / "backend", backend_image, PYTHON_IMAGE=python_image)
                check_backend(backend_image, project_venv, tmp_path, origin, containers)

                frontend_image = f"{IMAGE_PREFIX}/{slug}-frontend"
                frontend_time, frontend_size = build(project / "frontend", frontend_image, NODE_IMAGE=node_image)
                check_frontend(frontend_image, containers)
            finally:
                for name in containers:
                    docker("rm", "--force", "--volumes", name, check=False)
                docker("image", "prune", "--force", "--filter", f"label={IMAGE_LABEL}", check=False)
    except EngineUnavailable as error:
        pytest.skip(f"no Docker engine: {error}")
    record_property(
        "progress",
        f"containers: backend {backend_size / 1e6:.0f} MB built in {backend_time:.0f}s, "
        f"frontend {frontend_size / 1e6:.0f} MB built in {frontend_time:.0f}s, "
        f"smoke tests passed; {time.monotonic() - start:.0f}s in all",
    )
