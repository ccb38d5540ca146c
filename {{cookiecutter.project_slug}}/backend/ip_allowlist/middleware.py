"""Refuse API requests from client addresses outside ``IP_ALLOWLIST`` (CIDR, IPv4 and IPv6).

The address is the request context's (authentication.client_address): the socket peer, or the
right-most untrusted hop behind ``TRUSTED_PROXIES``. A forged ``X-Forwarded-For`` from an
untrusted peer never changes the decision (OWASP WSTG-ATHZ-02).
"""

import logging

from django.conf import settings
from django.http import JsonResponse

from authentication.client_address import in_networks, parse_networks
from authentication.request_context import context_of
from authentication.security_log import security_event
from config.errors import error_body

# /healthz (probes from the orchestrator) and /admin/ (its own sign-in) are not guarded.
GUARDED_PATHS = "/api/"


class IPAllowlistMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.networks = parse_networks(settings.IP_ALLOWLIST, "IP_ALLOWLIST")

    def is_allowed(self, address: str) -> bool:
        return in_networks(address, self.networks)

    def __call__(self, request):
        if request.path.startswith(GUARDED_PATHS):
            context = context_of(request)
            if not self.is_allowed(context.client_address):
                security_event("ip_denied", context, level=logging.WARNING)
                return JsonResponse(
                    error_body("Access from this address is not allowed.", "ip_not_allowed"), status=403
                )
        return self.get_response(request)
