"""The virtual environment that every generated project is tested (and benchmarked) with.

Generated projects share their pinned requirements, so one environment serves them all; it is
rebuilt only when the requirement files change.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.support.baking import TEMPLATE_DIR, bake
from tests.support.variants import ALL_FLAGS_ON

CACHE_DIR = TEMPLATE_DIR / ".cache"
REQUIREMENTS_DIR = TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / "backend" / "requirements"


def _requirements_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(REQUIREMENTS_DIR.glob("*.txt")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def ensure_project_venv() -> Path:
    """Create (once, under a file lock so parallel workers wait) and return the environment."""
    CACHE_DIR.mkdir(exist_ok=True)
    venv = CACHE_DIR / f"project-venv-{_requirements_hash()}"
    with open(CACHE_DIR / "venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (venv / "ready").exists():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
            with tempfile.TemporaryDirectory() as workdir:
                # The requirement files as a project with every feature has them (some are per feature).
                requirements = bake(Path(workdir), **ALL_FLAGS_ON) / "backend" / "requirements"
                subprocess.run(
                    [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-r", "local.txt"],
                    cwd=requirements,
                    check=True,
                )
            (venv / "ready").touch()
    return venv


def variant_database_url(name: str) -> str | None:
    """The base DATABASE_URL with a database of the variant's own, so variants can run in parallel."""
    base = os.environ.get("DATABASE_URL")
    if not base:
        return None
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path="/" + re.sub(r"\W", "_", name)))


def project_env(venv: Path, variant_slug: str, **extra: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))}
    env.pop("DATABASE_URL", None)
    database_url = variant_database_url(variant_slug)
    if database_url:
        env["DATABASE_URL"] = database_url
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env.update(extra)
    return env
