"""Fingerprint binding: the OWASP JWT cheat sheet's defence against token sidejacking.

At login a random value goes to the client in a hardened cookie (HttpOnly, Secure outside
local, SameSite=Strict, ``__Host-`` prefix, Max-Age no longer than the refresh token)
{%- if cookiecutter.use_mobile_endpoints == "y" %}, or to
mobile clients in the login body, which they send back in the ``X-Fingerprint`` header,
{%- endif %}
and its SHA-256 goes into both tokens as ``fgp``. A token presented without the matching
value, as when it is replayed from another client, is rejected and logged. Refresh re-checks
the value and carries the claim over, so the binding survives rotation.
"""

import hashlib
import hmac
import logging
import secrets

from django.conf import settings
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed

from .security_log import security_event

CLAIM = "fgp"
# The value sent to (or verified for) this request's client, kept on the request.
VALUE_ATTRIBUTE = "fingerprint_value"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _django_request(request):
    return getattr(request, "_request", request)


class FingerprintBinding:
    def bind(self, request) -> dict:
        value = secrets.token_urlsafe(32)
        setattr(_django_request(request), VALUE_ATTRIBUTE, value)
        return {CLAIM: _digest(value)}

    def presented_value(self, request) -> str | None:
        return request.COOKIES.get(settings.FINGERPRINT_COOKIE_NAME) or request.headers.get(settings.FINGERPRINT_HEADER)

    def verify(self, request, claims) -> None:
        expected = claims.get(CLAIM)
        presented = self.presented_value(request)
        if not isinstance(expected, str) or not presented or not hmac.compare_digest(_digest(presented), expected):
            security_event("fingerprint_mismatch", request, level=logging.WARNING, presented=presented is not None)
            raise AuthenticationFailed("This token is not bound to this client.", code="fingerprint_mismatch")
        setattr(_django_request(request), VALUE_ATTRIBUTE, presented)

    def write_cookie(self, request, response, refresh_expires_at) -> None:
        value = getattr(_django_request(request), VALUE_ATTRIBUTE, None)
        if value is None:
            return
        # OWASP: Max-Age no longer than the token it protects; renewed with each refresh.
        max_age = max(0, round((refresh_expires_at - timezone.now()).total_seconds()))
        response.set_cookie(
            settings.FINGERPRINT_COOKIE_NAME,
            value,
            max_age=max_age,
            path="/",
            secure=settings.FINGERPRINT_COOKIE_SECURE,
            httponly=True,
            samesite="Strict",
        )

    def clear_cookie(self, response) -> None:
        response.delete_cookie(settings.FINGERPRINT_COOKIE_NAME, path="/", samesite="Strict")
{%- if cookiecutter.use_mobile_endpoints == "y" %}

    def body_fields(self, request) -> dict:
        return {"fingerprint": getattr(_django_request(request), VALUE_ATTRIBUTE)}
{%- endif %}
