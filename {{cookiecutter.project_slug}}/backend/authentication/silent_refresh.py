"""The silent-refresh header: ``X-New-Access-Token`` on successful responses near expiry (SPEC 3.2).

Authentication marks a request whose access token expires within
``SILENT_REFRESH_THRESHOLD``; this middleware adds a fresh access token for the same
session to the response, only when the response is a success. The session was validated
in the same request, so no refresh cookie is needed: it works on every API path.
"""

import time

from django.conf import settings
from django.utils.cache import add_never_cache_headers

from . import token_service

RENEW_ATTRIBUTE = "access_claims_to_renew"
HEADER = "X-New-Access-Token"


def mark_for_silent_refresh(request, claims: dict) -> None:
    if claims["exp"] - time.time() < settings.SILENT_REFRESH_THRESHOLD.total_seconds():
        # DRF wraps Django's request; the middleware below sees the inner one.
        setattr(getattr(request, "_request", request), RENEW_ATTRIBUTE, claims)


def cancel_silent_refresh(request) -> None:
    """For responses that end the presented token's session and carry their own new tokens."""
    setattr(getattr(request, "_request", request), RENEW_ATTRIBUTE, None)


class SilentRefreshMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        claims = getattr(request, RENEW_ATTRIBUTE, None)
        if claims is not None and 200 <= response.status_code < 300:
            response[HEADER] = token_service.renew_access_token(claims)
            add_never_cache_headers(response)
        return response
