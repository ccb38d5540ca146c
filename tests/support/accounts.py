"""Who runs a README command: this test process's own user, or an ordinary one made for the test.

An ordinary user gets a fresh copy of the checkout in a folder of their own, a clean
environment (no virtual environment, no DATABASE_URL), and the system's ``python3``, which
belongs to root: exactly what a new user on a shared machine has.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.baking import TEMPLATE_DIR

SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# What the machine's package managers need to reach their registries; nothing of the test run's own.
PASSED_THROUGH = ("PIP_", "NPM_CONFIG_", "npm_config_", "SSL_CERT", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
PASSED_THROUGH_NAMES = ("NODE_EXTRA_CA_CERTS", "LANG", "LC_ALL", "TZ", "CHROMIUM_PATH")


@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    gid: int
    home: Path
    checkout: Path  # this user's copy of the template
    scratch: Path  # a folder of this user's own for files a command leaves behind (cookies.txt)

    @property
    def is_root(self) -> bool:
        return self.uid == 0

    def env(self, **extra: str) -> dict[str, str]:
        inherited = {
            key: value
            for key, value in os.environ.items()
            if key.startswith(PASSED_THROUGH) or key in PASSED_THROUGH_NAMES
        }
        path = SYSTEM_PATH if not self.is_root else os.environ.get("PATH", SYSTEM_PATH)
        return {**inherited, "HOME": str(self.home), "USER": self.name, "PATH": path, **extra}

    def popen(self, command: list[str], cwd: Path, log, **extra_env: str) -> subprocess.Popen:
        return subprocess.Popen(
            command,
            cwd=cwd,
            env=self.env(**extra_env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **self._identity(),
        )

    def run(self, command: list[str], cwd: Path, timeout: float, **extra_env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            command,
            cwd=cwd,
            env=self.env(**extra_env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            **self._identity(),
        )

    def _identity(self) -> dict:
        if self.uid == os.getuid():
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}


def copy_checkout(destination: Path) -> None:
    """The template as a fresh clone of it would be: tracked and new files, nothing ignored."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=TEMPLATE_DIR,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = TEMPLATE_DIR / os.fsdecode(name)
        if source.is_file():
            target = destination / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def chown_tree(root: Path, uid: int, gid: int) -> None:
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            os.lchown(os.path.join(folder, name), uid, gid)
    os.lchown(root, uid, gid)


def stop_processes(process: subprocess.Popen) -> None:
    """Stop a command and everything it started (it leads a session of its own)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=20)
            return
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def current_account() -> Iterator[Account]:
    """The user running the tests, with a copy of the checkout (their own home stays untouched)."""
    entry = pwd.getpwuid(os.getuid())
    with tempfile.TemporaryDirectory(prefix="readme-") as folder:
        checkout, scratch = Path(folder) / "template", Path(folder) / "scratch"
        copy_checkout(checkout)
        scratch.mkdir()
        yield Account(entry.pw_name, entry.pw_uid, entry.pw_gid, Path(entry.pw_dir), checkout, scratch)


@contextlib.contextmanager
def ordinary_account() -> Iterator[Account]:
    """A new unprivileged user with a home and a copy of the checkout; removed afterwards."""
    if os.getuid() != 0:
        # Already an ordinary user: the current account is the case to test.
        with current_account() as account:
            yield account
        return
    name = f"readme{secrets.token_hex(3)}"
    folder = Path(tempfile.mkdtemp(prefix="readme-user-"))
    home = folder / "home"
    subprocess.run(
        ["useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/sh", "--user-group", name],
        check=True,
        capture_output=True,
    )
    try:
        entry = pwd.getpwnam(name)
        checkout = folder / "template"
        copy_checkout(checkout)
        chown_tree(folder, entry.pw_uid, entry.pw_gid)
        yield Account(name, entry.pw_uid, entry.pw_gid, home, checkout, home)
    finally:
        subprocess.run(["pkill", "-KILL", "-u", name], check=False, capture_output=True)
        subprocess.run(["userdel", name], check=False, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
