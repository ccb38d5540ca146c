"""System checks (``manage.py check``) for settings that would weaken authentication."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=False)
def check_auth_settings(app_configs, **kwargs) -> list[Error]:
    errors = []
{%- if cookiecutter.jwt_algorithm == "HS256" %}
    key = settings.JWT_SIGNING_KEY.encode()
    if len(key) < 32:
        # RFC 7518 3.2: an HS256 key must be at least as long as the hash output.
        errors.append(Error("JWT_SIGNING_KEY must be at least 32 bytes.", id="authentication.E001"))
    if settings.JWT_SIGNING_KEY == settings.SECRET_KEY:
        errors.append(Error("JWT_SIGNING_KEY must differ from SECRET_KEY.", id="authentication.E002"))
{%- endif %}
    if settings.REFRESH_COOKIE_SAMESITE not in ("Lax", "Strict", "None"):
        errors.append(Error("REFRESH_COOKIE_SAMESITE must be Lax, Strict or None.", id="authentication.E003"))
    if settings.REFRESH_COOKIE_SAMESITE == "None" and not settings.REFRESH_COOKIE_SECURE:
        errors.append(Error("SameSite=None cookies must be Secure.", id="authentication.E004"))
    # ASVS 4 14.5.3: explicit origins, never a wildcard or the "null" origin.
    if getattr(settings, "CORS_ALLOW_ALL_ORIGINS", False) or any(
        origin in ("*", "null") for origin in settings.CORS_ALLOWED_ORIGINS
    ):
        errors.append(Error("CORS_ALLOWED_ORIGINS must list origins; no '*' or 'null'.", id="authentication.E005"))
    return errors
