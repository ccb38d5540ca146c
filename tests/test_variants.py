"""Generate each variant and run what its own CI would: lint, Django checks and its test suite.

Every variant gets a database of its own (and the generated tests use a Redis key prefix of
their own), so variants run in parallel under pytest-xdist.
"""

import re
import subprocess
import time

import pytest

from tests.support.baking import bake
from tests.support.project_env import project_env
from tests.support.variants import FLAG_COVER, FLAG_REST, OPTION_VARIANTS

DEPLOY_ENV_COMMON = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "deploy-check-secret-5f4e3d2c1b0a99887766554433221100ffeeddccbbaa",
    "DATABASE_URL": "postgres://app:secret@db.internal:5432/app",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.internal:587",
    "ALLOWED_HOSTS": "api.example.com",
    "IP_ALLOWLIST": "203.0.113.0/24",
}
DEPLOY_SIGNING_KEY = {"JWT_SIGNING_KEY": "deploy-check-signing-key-00112233445566778899aabbccddeeff"}
SUMMARY = re.compile(r"(\d+) passed")
CHECK_AND_MIGRATIONS = (
    "import django; from django.core.management import call_command; django.setup(); "
    "call_command('check', fail_level='WARNING'); call_command('makemigrations', check=True, dry_run=True)"
)


def run(step: list[str], cwd, env, timeout=600) -> str:
    result = subprocess.run(step, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"{' '.join(step)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result.stdout


def check_and_test(variant, tmp_path, project_venv, record_property):
    start = time.monotonic()
    project = bake(tmp_path, **variant.context)
    backend = project / "backend"
    env = project_env(project_venv, variant.slug)
    python = str(project_venv / "bin" / "python")

    run(["ruff", "check", "."], backend, env)
    run(["ruff", "format", "--check", "."], backend, env)
    local = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    if variant.value("jwt_algorithm") == "HS256":
        signing = DEPLOY_SIGNING_KEY
    else:  # what `make env` does first: the local key pair, which the deploy check also uses
        run([python, "manage.py", "generate_signing_key", "--output", ".keys/jwt-private.pem"], backend, local)
        signing = {"JWT_PRIVATE_KEY_FILE": str(backend / ".keys" / "jwt-private.pem")}
    # `manage.py check --fail-level WARNING` and `manage.py makemigrations --check --dry-run`, in one process.
    run([python, "-c", CHECK_AND_MIGRATIONS], backend, local)
    deploy_env = {**env, **DEPLOY_ENV_COMMON, **signing}
    run([python, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], backend, deploy_env)
    output = run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], backend, env)

    passed = SUMMARY.findall(output)
    assert passed, output[-2000:]
    record_property(
        "progress",
        f"variant {variant.name:<28} {passed[-1]:>4} generated tests passed in {time.monotonic() - start:5.1f}s",
    )


@pytest.mark.parametrize("variant", FLAG_COVER, ids=lambda variant: variant.name)
def test_flag_combination_passes_its_checks_and_tests(variant, tmp_path, project_venv, record_property):
    """Fast tier: every pair of feature-flag values together at least once, all on and all off."""
    check_and_test(variant, tmp_path, project_venv, record_property)


@pytest.mark.full
@pytest.mark.parametrize("variant", FLAG_REST, ids=lambda variant: variant.name)
def test_every_other_flag_combination_passes_its_checks_and_tests(variant, tmp_path, project_venv, record_property):
    """Full tier: the rest of the flag combinations, so that every one of them has run."""
    check_and_test(variant, tmp_path, project_venv, record_property)


@pytest.mark.full
@pytest.mark.parametrize("variant", OPTION_VARIANTS, ids=lambda variant: variant.name)
def test_option_variant_passes_its_checks_and_tests(variant, tmp_path, project_venv, record_property):
    check_and_test(variant, tmp_path, project_venv, record_property)
