"""The silent-refresh header: ``X-New-Access-Token`` on successful responses near expiry.

Authentication marks the context of a request whose access token expires within
``SILENT_REFRESH_THRESHOLD`` (``renew_claims``); this middleware adds a fresh access token for
the same session to the response, only when the response is a success. The session was validated
in the same request, so no refresh cookie is needed: it works on every API path.
"""

from django.utils.cache import add_never_cache_headers

from . import token_service
from .request_context import context_of, existing_context

HEADER = "X-New-Access-Token"


def cancel_silent_refresh(request) -> None:
    """For responses that end the presented token's session and carry their own new tokens."""
    context_of(request).renew_claims = None


class SilentRefreshMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        context = existing_context(request)
        claims = context.renew_claims if context is not None else None
        if claims is not None and 200 <= response.status_code < 300:
            response[HEADER] = token_service.renew_access_token(claims)
            add_never_cache_headers(response)
        return response
