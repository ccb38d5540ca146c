"""CSRF defence for the cookie-authenticated endpoints (web login, refresh, logout).

SameSite is defence in depth, not a CSRF defence (OWASP CSRF Prevention). These endpoints
also require an allowed ``Origin`` (or, without one, ``Referer``) and a custom header that no
form can send and that forces a CORS preflight (ASVS 5.0 3.5.1, OWASP "Login CSRF").
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from rest_framework.permissions import BasePermission

from .conf import auth_settings
from .security_log import security_event


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def request_origin(request) -> str | None:
    origin = request.headers.get("Origin")
    if origin:
        return origin
    referer = request.headers.get("Referer")
    return _origin_of(referer) if referer else None


def is_allowed_origin(origin: str | None, request) -> bool:
    if not origin or origin == "null":
        return False
    return origin in settings.CORS_ALLOWED_ORIGINS or origin == _origin_of(request.build_absolute_uri("/"))


class TrustedOriginRequired(BasePermission):
    """Both defences, every time; the refusal names each one the request failed, so a developer
    sees what to fix, and an attacker learns nothing they did not send themselves."""

    message = "Cross-site request rejected."
    code = "csrf_failed"

    def has_permission(self, request, view) -> bool:
        name, value = auth_settings.CSRF_HEADER
        has_header = request.headers.get(name) == value
        origin = request_origin(request)
        problems = []
        if not origin:
            problems.append("the request has no Origin (or Referer) header")
        elif not is_allowed_origin(origin, request):
            problems.append(f"its origin {origin} is not an allowed origin (CORS_ALLOWED_ORIGINS)")
        if not has_header:
            problems.append(f"the {name}: {value} header is missing")
        if not problems:
            return True
        self.message = f"Cross-site request rejected: {'; '.join(problems)}."
        security_event("csrf_rejected", request, level=logging.WARNING, origin=origin, has_header=has_header)
        return False
