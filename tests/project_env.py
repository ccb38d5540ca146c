"""The virtual environment that every generated project is tested (and benchmarked) with.

Generated projects share their pinned requirements, so one environment serves them all; it is
rebuilt only when the requirement files change.
"""

from __future__ import annotations

import fcntl
import hashlib
import subprocess
import sys
from pathlib import Path

from tests.baking import TEMPLATE_DIR

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
            subprocess.run(
                [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-r", "local.txt"],
                cwd=REQUIREMENTS_DIR,
                check=True,
            )
            (venv / "ready").touch()
    return venv
