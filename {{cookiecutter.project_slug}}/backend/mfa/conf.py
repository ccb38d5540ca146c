"""MFA settings: one ``MFA`` dict in the Django settings, read through ``mfa_settings``."""

from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured

from config.settings_namespace import SettingsNamespace

REQUIREMENTS = ("none", "staff", "all")

DEFAULTS = {
    # Who must sign in with a second factor: none (each user opts in), staff, or all. A user who
    # must and has none sets one up as the second step of their next sign-in.
    "REQUIRED": "none",
    # The name authenticator apps show for this account; empty: PROJECT_NAME.
    "ISSUER": "",
    # Fernet keys (url-safe base64 of 32 bytes, e.g. from `python manage.py generate_mfa_key`)
    # that protect TOTP secrets and recovery codes at rest: the first encrypts, every one decrypts,
    # so a new key goes first and the old one stays until `rotate_mfa_key` has run. Empty: a key
    # derived from SECRET_KEY, which then cannot be rotated without these.
    "ENCRYPTION_KEYS": [],
    # The second step of a sign-in: how long it waits for a code, and how many wrong codes it takes.
    "CHALLENGE_LIFETIME": timedelta(minutes=5),
    "CHALLENGE_MAX_ATTEMPTS": 5,
    # Codes of this many 30-second steps before or after now are accepted (clock drift, RFC 6238 6).
    "TOTP_DRIFT_STEPS": 1,
    "RECOVERY_CODE_COUNT": 10,
    # The second step's cookie (web): sent only to the MFA endpoints.
    "CHALLENGE_COOKIE_PATH": "/api/auth/mfa/",
}


def _check(values: dict) -> None:
    if values["REQUIRED"] not in REQUIREMENTS:
        raise ImproperlyConfigured(f"MFA REQUIRED must be one of {', '.join(REQUIREMENTS)}.")


mfa_settings = SettingsNamespace("MFA", DEFAULTS, _check)
