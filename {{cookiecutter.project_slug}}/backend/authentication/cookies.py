"""The refresh-token cookie: HttpOnly, Secure outside local, narrow path, bounded lifetime.

ASVS 5.0 3.3.1-3.3.4: the token reaches the browser only in Set-Cookie, scripts cannot read
it, and it is sent only to /api/auth/, where refresh and logout live.
"""

from django.utils import timezone

from .conf import auth_settings
from .token_service import IssuedTokens


def set_refresh_cookie(response, tokens: IssuedTokens) -> None:
    max_age = max(0, round((tokens.refresh_expires_at - timezone.now()).total_seconds()))
    response.set_cookie(
        auth_settings.REFRESH_COOKIE_NAME,
        tokens.refresh,
        max_age=max_age,
        path=auth_settings.REFRESH_COOKIE_PATH,
        domain=auth_settings.REFRESH_COOKIE_DOMAIN,
        secure=auth_settings.REFRESH_COOKIE_SECURE,
        httponly=True,
        samesite=auth_settings.REFRESH_COOKIE_SAMESITE,
    )


def clear_refresh_cookie(response) -> None:
    response.delete_cookie(
        auth_settings.REFRESH_COOKIE_NAME,
        path=auth_settings.REFRESH_COOKIE_PATH,
        domain=auth_settings.REFRESH_COOKIE_DOMAIN,
        samesite=auth_settings.REFRESH_COOKIE_SAMESITE,
    )


def read_refresh_cookie(request) -> str | None:
    return request.COOKIES.get(auth_settings.REFRESH_COOKIE_NAME) or None
