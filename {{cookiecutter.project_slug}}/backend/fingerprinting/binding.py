"""Fingerprint binding: the OWASP JWT cheat sheet's defence against token sidejacking.

At sign-in a random value goes to the client in a hardened cookie: HttpOnly, SameSite=Strict,
Max-Age no longer than the refresh token, and ``__Host-`` prefixed and Secure wherever the
refresh cookie is Secure (``fingerprint`` on plain-HTTP local development). Clients that keep
no cookies get the value in the sign-in body and send it back in the ``X-Fingerprint``
header. Its SHA-256 goes into both tokens as ``fgp``. A token presented without the matching
value, as when it is replayed from another client, is rejected and logged. Refresh re-checks
the value and carries the claim over, so the binding survives rotation.
"""

import hashlib
import hmac
import logging
import secrets

from django.utils import timezone
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed

from authentication.conf import auth_settings
from authentication.security_log import security_event

CLAIM = "fgp"
HEADER = "X-Fingerprint"


def cookie_name() -> str:
    # The __Host- prefix needs a Secure cookie (RFC 6265bis 4.1.3.2), so it follows the refresh cookie.
    return "__Host-fingerprint" if auth_settings.REFRESH_COOKIE_SECURE else "fingerprint"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class FingerprintBinding:
    name = "fingerprint"  # the sign-in body's field for clients without cookies
    header = HEADER  # where those clients send it back

    def bind(self, context) -> dict:
        value = secrets.token_urlsafe(32)
        context.client_values[self.name] = value
        return {CLAIM: _digest(value)}

    def presented_value(self, context) -> str | None:
        request = context.request
        return request.COOKIES.get(cookie_name()) or request.headers.get(self.header)

    def verify(self, context, claims) -> None:
        expected = claims.get(CLAIM)
        presented = self.presented_value(context)
        if not isinstance(expected, str) or not presented or not hmac.compare_digest(_digest(presented), expected):
            security_event("fingerprint_mismatch", context, level=logging.WARNING, presented=presented is not None)
            raise AuthenticationFailed("This token is not bound to this client.", code="fingerprint_mismatch")
        context.client_values[self.name] = presented

    def write_cookie(self, context, response, refresh_expires_at) -> None:
        value = context.client_values.get(self.name)
        if value is None:
            return
        # OWASP: Max-Age no longer than the token it protects; renewed with each refresh.
        max_age = max(0, round((refresh_expires_at - timezone.now()).total_seconds()))
        response.set_cookie(
            cookie_name(),
            value,
            max_age=max_age,
            path="/",
            secure=auth_settings.REFRESH_COOKIE_SECURE,
            httponly=True,
            samesite="Strict",
        )

    def clear_cookie(self, response) -> None:
        response.delete_cookie(cookie_name(), path="/", samesite="Strict")

    def response_field(self) -> serializers.Field:
        return serializers.CharField(required=False, help_text=f"Send it back in the {self.header} header.")
