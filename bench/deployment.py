"""A generated project deployed for the benchmark: its own database, Redis key prefix and gunicorn.

Everything here is registered on a ``contextlib.ExitStack`` as soon as it exists, so the
database is dropped, the Redis keys deleted and the server's whole process group stopped
however the run ends (failure, Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# Requests reach gunicorn directly, as if from a TLS-terminating proxy (SECURE_PROXY_SSL_HEADER).
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
# High enough that the benchmark measures authentication, not throttling; DRF needs "count/period".
UNTHROTTLED_RATE = "1000000/second"
THROTTLE_VARIABLES = tuple(
    f"THROTTLE_RATE_{scope}"
    for scope in (
        "ANON", "USER", "LOGIN", "LOGIN_USERNAME", "REAUTHENTICATE", "MFA", "MFA_ACCOUNT",
        "ACCOUNT_MAIL", "ACCOUNT_MAIL_TARGET", "ACCOUNT_LINK",
    )
)  # fmt: skip
# Access tokens outlive the run, so no response carries a silent refresh.
ACCESS_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60
SESSIONS_SCRIPT = Path(__file__).resolve().parent / "django_sessions.py"
SERVER_START_TIMEOUT = 60
SERVER_STOP_TIMEOUT = 30


@dataclass(frozen=True)
class ServerOptions:
    """How gunicorn runs: the project's gunicorn.conf.py with these overrides."""

    workers: int
    worker_class: str = "sync"
    threads: int = 1
    keep_worker_recycling: bool = False

    def describe(self) -> str:
        threads = f" x {self.threads} threads" if self.worker_class == "gthread" else ""
        recycling = "the project's max_requests" if self.keep_worker_recycling else "max_requests off"
        return f"{self.workers} {self.worker_class} workers{threads}, {recycling}"


@dataclass
class Deployment:
    name: str
    backend: Path
    env: dict[str, str]
    venv: Path
    port: int = 0
    server_pid: int = 0
    credentials: dict = field(default_factory=dict)

    @property
    def python(self) -> str:
        return str(self.venv / "bin" / "python")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str) -> None:
        self.run_python("manage.py", *args)

    def run_python(self, *args: str, timeout: float = 600) -> None:
        subprocess.run([self.python, *args], cwd=self.backend, env=self.env, check=True, timeout=timeout)

    def write_refresh_cookies(self, count: int, out: Path) -> None:
        """``count`` fresh sessions, one Cookie header (refresh token + binding cookies) a line."""
        self.run_python(str(SESSIONS_SCRIPT), "refresh", str(count), str(out))


def database_url(base: str, name: str) -> str:
    return urlunsplit(urlsplit(base)._replace(path="/" + name))


def _run_snippet(venv: Path, code: str, *args: str) -> None:
    subprocess.run([str(venv / "bin" / "python"), "-c", code, *args], check=True, timeout=120)


_CREATE_DATABASE = """
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as connection:
    connection.execute(f'CREATE DATABASE "{sys.argv[2]}"')
"""
_DROP_DATABASE = """
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as connection:
    connection.execute(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)')
"""
_DELETE_KEYS = """
import sys, redis
client = redis.Redis.from_url(sys.argv[1])
keys = list(client.scan_iter(match=sys.argv[2] + ":*", count=1000))
for start in range(0, len(keys), 1000):
    client.delete(*keys[start:start + 1000])
"""


def create_database(stack: contextlib.ExitStack, venv: Path, base_url: str, name: str) -> str:
    """Create database ``name`` on the server of ``base_url``; it is dropped when ``stack`` closes."""
    _run_snippet(venv, _CREATE_DATABASE, base_url, name)
    stack.callback(_run_snippet, venv, _DROP_DATABASE, base_url, name)
    return database_url(base_url, name)


def claim_key_prefix(stack: contextlib.ExitStack, venv: Path, redis_url: str, name: str) -> str:
    """A cache key prefix of this run's own; its keys are deleted when ``stack`` closes."""
    prefix = f"bench-{secrets.token_hex(4)}-{name}"
    stack.callback(_run_snippet, venv, _DELETE_KEYS, redis_url, prefix)
    return prefix


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def deployment_env(base: dict[str, str], venv: Path, **values: str) -> dict[str, str]:
    """The production environment of a deployment: dummy secrets, loopback hosts, raised throttles."""
    env = {key: value for key, value in base.items() if not key.startswith(("DJANGO_", "GUNICORN_", "JWT_"))}
    env.update(
        {
            "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
            "VIRTUAL_ENV": str(venv),
            "PYTHONUNBUFFERED": "1",  # as in the project's image
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "EMAIL_URL": "dummymail://",
            "IP_ALLOWLIST": "127.0.0.0/8",
            "JWT_ACCESS_TOKEN_LIFETIME": str(ACCESS_TOKEN_LIFETIME_SECONDS),
            **dict.fromkeys(THROTTLE_VARIABLES, UNTHROTTLED_RATE),
            **values,
        }
    )
    return env


def install_signing_key(deployment: Deployment, workdir: Path) -> None:
    """HS256 (unless JWT_ALGORITHM names another): a random secret; RS256, EdDSA: a fresh key file
    made by the project's own command."""
    algorithm = deployment.env.setdefault("JWT_ALGORITHM", "HS256")
    if algorithm == "HS256":
        deployment.env["JWT_SIGNING_KEY"] = secrets.token_urlsafe(64)
        return
    key_file = workdir / f"{deployment.name}-jwt-private.pem"
    deployment.env["JWT_PRIVATE_KEY_FILE"] = str(key_file)
    deployment.manage("generate_signing_key", "--algorithm", algorithm, "--output", str(key_file))


def prepare(deployment: Deployment, workdir: Path) -> None:
    """What the image and its release step do (bytecode, static files, migrations), plus a signing
    key and the benchmark user with its first session."""
    install_signing_key(deployment, workdir)
    deployment.run_python("-m", "compileall", "-q", ".")
    deployment.manage("collectstatic", "--noinput", "--verbosity", "0")
    deployment.manage("migrate", "--noinput", "--verbosity", "0")
    user_file = workdir / f"{deployment.name}-user.json"
    deployment.run_python(str(SESSIONS_SCRIPT), "user", str(user_file))
    deployment.credentials = json.loads(user_file.read_text())


def gunicorn_command(deployment: Deployment, options: ServerOptions) -> list[str]:
    command = [str(deployment.venv / "bin" / "gunicorn"), "--bind", f"127.0.0.1:{deployment.port}"]
    if (deployment.backend / "gunicorn.conf.py").exists():
        command += ["--config", "gunicorn.conf.py"]
    else:
        command += ["config.wsgi:application"]
    command += ["--worker-class", options.worker_class, "--threads", str(options.threads)]
    return command


def start_server(stack: contextlib.ExitStack, deployment: Deployment, options: ServerOptions, log: Path) -> None:
    """Serve the deployment on a free loopback port until ``stack`` closes; wait until it answers."""
    deployment.port = free_port()
    env = {**deployment.env, "WEB_CONCURRENCY": str(options.workers)}
    if not options.keep_worker_recycling:
        env["GUNICORN_MAX_REQUESTS"] = "0"
    with open(log, "ab") as log_file:
        process = subprocess.Popen(
            gunicorn_command(deployment, options),
            cwd=deployment.backend,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: workers are stopped with it
        )
    stack.callback(stop_process_group, process)
    deployment.server_pid = process.pid
    wait_until_serving(deployment.url + "/api/version/", process, log)


def wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log}")
        request = urllib.request.Request(url, headers=PROXY_HEADERS)
        with contextlib.suppress(urllib.error.URLError, OSError), urllib.request.urlopen(request, timeout=2) as answer:
            if answer.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within {SERVER_START_TIMEOUT} s; see {log}")


def stop_process_group(process: subprocess.Popen) -> None:
    """SIGTERM the process group (gunicorn's graceful stop), SIGKILL whatever is left after a while."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=SERVER_STOP_TIMEOUT)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _parent_and_cpu_ticks(stat_line: str) -> tuple[int, list[int]]:
    """Parent pid and [utime, stime, cutime, cstime] from a /proc/PID/stat line (proc(5))."""
    fields = stat_line.rsplit(")", 1)[1].split()
    return int(fields[1]), [int(value) for value in fields[11:15]]


def server_cpu_seconds(master_pid: int) -> float:
    """CPU seconds used so far by gunicorn: the master, its live workers, and the workers it has reaped.

    A steadier measure than requests per second on a machine shared with other work (Linux only).
    """
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int(stat.parent.name)
            parent, (utime, stime, cutime, cstime) = _parent_and_cpu_ticks(stat.read_text())
            if pid == master_pid:
                total += utime + stime + cutime + cstime
            elif parent == master_pid:
                total += utime + stime
    return total / os.sysconf("SC_CLK_TCK")
