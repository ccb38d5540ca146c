"""Each environment's settings as a deployment would load them, in a fresh interpreter.

Staging and production refuse to start without their secrets, naming the variable; local
is plain HTTP with the localhost frontend; production is HTTPS-only with strict CORS.
"""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from .settings_probe import BACKEND, import_settings, settings_values

# The key variable of each signing algorithm (JWT_ALGORITHM), and a value a deployment would give it.
KEY_VARIABLES = {
    "HS256": {"JWT_SIGNING_KEY": "signing-key-0a1b2c3d4e5f60718293a4b5c6d7e8f9-0a1b2c3d"},
    "RS256": {"JWT_PRIVATE_KEY": settings.TEST_PRIVATE_KEYS["RS256"]},
    "EdDSA": {"JWT_PRIVATE_KEY": settings.TEST_PRIVATE_KEYS["EdDSA"]},
}
SIGNING = KEY_VARIABLES[settings.AUTH["ALGORITHM"]]  # the default this project was generated with
DEPLOYED_ENV = {
    "DJANGO_SECRET_KEY": "deploy-check-9f8e7d6c5b4a39281706f5e4d3c2b1a0-9f8e7d6c5b4a3928",
    **SIGNING,
    "DATABASE_URL": "postgres://app:secret@db.internal:5432/app",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.internal:587",
    "ALLOWED_HOSTS": f"api.{settings.DOMAIN_NAME}",
{%- if cookiecutter.use_ip_allowlist == "y" %}
    "IP_ALLOWLIST": "203.0.113.0/24",
{%- endif %}
}
SETTING_NAMES = [
    "DEBUG",
    "AUTH.REFRESH_COOKIE_NAME",
    "AUTH.REFRESH_COOKIE_SECURE",
    "AUTH.REFRESH_COOKIE_SAMESITE",
    "AUTH.REFRESH_COOKIE_PATH",
    "CORS_ALLOWED_ORIGINS",
    "CORS_EXPOSE_HEADERS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
]


def load_settings(module: str, env: dict):
    return import_settings(module, env, SETTING_NAMES, drop=DEPLOYED_ENV)


def settings_of(module: str, env: dict) -> dict:
    return settings_values(module, env, SETTING_NAMES, drop=tuple(DEPLOYED_ENV))


@pytest.mark.parametrize("missing", sorted(DEPLOYED_ENV))
def test_production_refuses_to_start_without_a_required_variable(missing):
    env = {key: value for key, value in DEPLOYED_ENV.items() if key != missing}
    result = load_settings("production", env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_staging_refuses_to_start_without_a_required_variable():
    env = {key: value for key, value in DEPLOYED_ENV.items() if key != "DJANGO_SECRET_KEY"}
    result = load_settings("staging", env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("algorithm", sorted(KEY_VARIABLES))
def test_production_needs_the_key_of_the_chosen_algorithm(algorithm):
    deployed = {key: value for key, value in DEPLOYED_ENV.items() if key not in SIGNING}
    [(variable, value)] = KEY_VARIABLES[algorithm].items()
    missing = load_settings("production", {**deployed, "JWT_ALGORITHM": algorithm})
    assert missing.returncode != 0
    assert variable in missing.stderr
    assert load_settings("production", {**deployed, "JWT_ALGORITHM": algorithm, variable: value}).returncode == 0


def test_production_refuses_a_short_signing_key():
    result = load_settings("production", {**DEPLOYED_ENV, "JWT_ALGORITHM": "HS256", "JWT_SIGNING_KEY": "short"})
    assert result.returncode != 0
    assert "at least 32 bytes" in result.stderr


def test_production_refuses_a_signing_key_equal_to_the_secret_key():
    env = {**DEPLOYED_ENV, "JWT_ALGORITHM": "HS256", "JWT_SIGNING_KEY": DEPLOYED_ENV["DJANGO_SECRET_KEY"]}
    result = load_settings("production", env)
    assert result.returncode != 0
    assert "must differ" in result.stderr


def test_production_is_https_only_with_hsts_for_a_year():
    values = settings_of("production", DEPLOYED_ENV)
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True


def test_production_cookie_is_secure_prefixed_and_lax_by_default():
    values = settings_of("production", DEPLOYED_ENV)
    assert values["AUTH.REFRESH_COOKIE_NAME"].startswith("__Secure-")
    assert values["AUTH.REFRESH_COOKIE_SECURE"] is True
    assert values["AUTH.REFRESH_COOKIE_SAMESITE"] == "Lax"
    assert values["AUTH.REFRESH_COOKIE_PATH"] == "/api/auth/"


def test_production_cors_allows_only_the_frontend_and_exposes_the_refresh_header():
    values = settings_of("production", DEPLOYED_ENV)
    assert values["CORS_ALLOWED_ORIGINS"] == [f"https://{settings.DOMAIN_NAME}"]
    assert "X-New-Access-Token" in values["CORS_EXPOSE_HEADERS"]


def test_staging_cors_allows_the_staging_frontend():
    values = settings_of("staging", DEPLOYED_ENV)
    assert values["CORS_ALLOWED_ORIGINS"] == [f"https://staging.{settings.DOMAIN_NAME}"]
    assert values["AUTH.REFRESH_COOKIE_SECURE"] is True


def test_local_is_plain_http_with_the_localhost_frontend():
    values = settings_of("local", {"DJANGO_SECRET_KEY": "local-secret", **SIGNING})
    assert values["DEBUG"] is True
    assert values["AUTH.REFRESH_COOKIE_SECURE"] is False
    assert not values["AUTH.REFRESH_COOKIE_NAME"].startswith("__")
    assert "http://localhost:3000" in values["CORS_ALLOWED_ORIGINS"]


def test_local_origins_are_absent_from_production():
    values = settings_of("production", DEPLOYED_ENV)
    assert not any("localhost" in origin or "127.0.0.1" in origin for origin in values["CORS_ALLOWED_ORIGINS"])


def test_cross_site_deployments_can_choose_samesite_none():
    values = settings_of("production", {**DEPLOYED_ENV, "REFRESH_COOKIE_SAMESITE": "None"})
    assert values["AUTH.REFRESH_COOKIE_SAMESITE"] == "None"
    assert values["AUTH.REFRESH_COOKIE_SECURE"] is True


def test_production_passes_the_deploy_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BACKEND,
        env={**os.environ, **DEPLOYED_ENV, "DJANGO_SETTINGS_MODULE": "config.settings.production"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
