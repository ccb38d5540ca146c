"""What the frontend template tests need besides baking: node_modules, commands, a browser.

``npm ci`` runs once per lockfile: its node_modules is kept under ``.cache/`` keyed by the hash of
package.json and package-lock.json (a changed lockfile never reuses a stale install) and each
generated frontend gets hard links to it. A lock file keeps parallel test workers from installing
twice or from starting two browser suites on the same ports.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from tests.support.project_env import CACHE_DIR

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))

# Files of a generated frontend that are build output or installs, not template content.


def frontend_env(**extra: str) -> dict[str, str]:
    """Environment for npm and Next.js: no telemetry (no network to send it to), no colours."""
    return {
        **os.environ,
        "NEXT_TELEMETRY_DISABLED": "1",
        "npm_config_update_notifier": "false",
        "NO_COLOR": "1",
        "FORCE_COLOR": "0",
        **extra,
    }


def run(
    command: Sequence[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 900
) -> tuple[float, str]:
    """Run a command; on failure raise with its output. Returns the seconds it took and its output."""
    started = time.monotonic()
    result = subprocess.run(
        list(command),
        cwd=cwd,
        env=env or frontend_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"`{' '.join(command)}` failed in {cwd} (exit {result.returncode}):\n"
            f"{result.stdout[-8000:]}\n{result.stderr[-8000:]}"
        )
    return time.monotonic() - started, result.stdout


def content_hash(paths: Sequence[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


@contextlib.contextmanager
def exclusive(name: str) -> Iterator[None]:
    """A lock shared by every test process on this machine (parallel workers, two runs)."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with open(CACHE_DIR / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def cached_node_modules(frontend: Path) -> tuple[Path, float]:
    """``npm ci`` once per lockfile; returns the installed node_modules and the seconds spent."""
    inputs = [frontend / name for name in ("package.json", "package-lock.json", ".npmrc")]
    target = CACHE_DIR / "node_modules" / content_hash([p for p in inputs if p.exists()], frontend)
    with exclusive("node_modules"):
        if (target / "node_modules").is_dir():
            return target / "node_modules", 0.0
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=target.parent, prefix="installing-"))
        try:
            for path in inputs:
                if path.exists():
                    shutil.copy2(path, staging / path.name)
            seconds, _ = run(["npm", "ci", "--no-audit", "--no-fund"], cwd=staging)
            staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return target / "node_modules", seconds


def install_node_modules(frontend: Path) -> float:
    """Give a generated frontend its node_modules: hard links into the cache (fast, no space)."""
    cached, seconds = cached_node_modules(frontend)
    destination = frontend / "node_modules"
    if destination.exists():
        return seconds
    try:
        subprocess.run(["cp", "-al", str(cached), str(destination)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        shutil.rmtree(destination, ignore_errors=True)
        shutil.copytree(cached, destination, symlinks=True)
    return seconds
