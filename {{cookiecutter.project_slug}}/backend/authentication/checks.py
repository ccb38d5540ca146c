"""System checks (``manage.py check``) for settings that would weaken authentication."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from config.signing_keys import signing_key_errors

from .conf import auth_settings
from .keys import load_key_ring


@register(Tags.security, deploy=False)
def check_auth_settings(app_configs, **kwargs) -> list[Error]:
    errors = [
        Error(message, id="authentication.E001")
        for message in signing_key_errors(getattr(settings, "AUTH", {}), settings.SECRET_KEY)
    ]
    if not errors:
        try:
            load_key_ring()  # what only the keys themselves can tell: their type and size
        except ImproperlyConfigured as error:
            errors.append(Error(str(error), id="authentication.E002"))
    samesite = auth_settings.REFRESH_COOKIE_SAMESITE
    if samesite not in ("Lax", "Strict", "None"):
        errors.append(Error("REFRESH_COOKIE_SAMESITE must be Lax, Strict or None.", id="authentication.E003"))
    if samesite == "None" and not auth_settings.REFRESH_COOKIE_SECURE:
        errors.append(Error("SameSite=None cookies must be Secure.", id="authentication.E004"))
    # ASVS 5.0 3.4.2: explicit origins, never a wildcard or the "null" origin.
    if getattr(settings, "CORS_ALLOW_ALL_ORIGINS", False) or any(
        origin in ("*", "null") for origin in settings.CORS_ALLOWED_ORIGINS
    ):
        errors.append(Error("CORS_ALLOWED_ORIGINS must list origins; no '*' or 'null'.", id="authentication.E005"))
    return errors
