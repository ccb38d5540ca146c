"""Read an environment's settings the way a process does at start-up: in a fresh interpreter.

Settings modules read environment variables when imported, so each probe imports the module
in a subprocess with exactly the variables under test.
"""

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

BACKEND = Path(__file__).resolve().parents[2]
# ``AUTH.<NAME>`` reads an authentication setting over its default (authentication/conf.py).
SCRIPT = (
    "import importlib, json, sys; settings = importlib.import_module(sys.argv[1]); "
    "from authentication.conf import DEFAULTS; auth = {**DEFAULTS, **getattr(settings, 'AUTH', {})}; "
    "value = lambda name: auth.get(name[5:]) if name.startswith('AUTH.') else getattr(settings, name, None); "
    "print(json.dumps({name: value(name) for name in sys.argv[2:]}, default=str))"
)


def import_settings(module: str, env: dict, names=(), drop=()) -> subprocess.CompletedProcess:
    """Import ``config.settings.<module>`` with ``env`` (minus ``drop``) and print ``names`` as JSON."""
    inherited = {key: value for key, value in os.environ.items() if key not in drop and key != "DEBUG"}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, f"config.settings.{module}", *names],
        cwd=BACKEND,
        env={**inherited, **env, "DJANGO_SETTINGS_MODULE": f"config.settings.{module}"},
        capture_output=True,
        text=True,
        timeout=60,
    )


@functools.cache
def _values(module: str, env_items: frozenset, names: tuple, drop: tuple) -> dict:
    result = import_settings(module, dict(env_items), names, drop)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def evaluate(module: str, env: dict, expression: str) -> str:
    """``str()`` of ``expression``, evaluated with Django set up in that environment."""
    script = f"import django; django.setup(); print(str({expression}))"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BACKEND,
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": f"config.settings.{module}"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def settings_values(module: str, env: dict, names, drop=()) -> dict:
    """The values of ``names`` in that environment (cached per distinct question)."""
    return _values(module, frozenset(env.items()), tuple(names), tuple(drop))
