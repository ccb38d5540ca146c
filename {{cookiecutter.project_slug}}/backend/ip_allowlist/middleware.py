"""Refuse API requests from client addresses outside ``IP_ALLOWLIST`` (CIDR, IPv4 and IPv6).

The address is the one authentication.client_address trusts: the socket peer, or the
right-most untrusted hop behind ``TRUSTED_PROXIES``. A forged ``X-Forwarded-For`` from an
untrusted peer never changes the decision (OWASP WSTG-ATHZ-02).
"""

import ipaddress
import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import JsonResponse

from authentication.client_address import client_address
from authentication.security_log import security_event
from config.errors import error_body


def parse_networks(values) -> tuple:
    try:
        return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip())
    except ValueError as error:
        raise ImproperlyConfigured(f"IP_ALLOWLIST holds an invalid network: {error}") from error


class IPAllowlistMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.networks = parse_networks(settings.IP_ALLOWLIST)

    def is_allowed(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def __call__(self, request):
        if request.path.startswith(settings.IP_ALLOWLIST_PATH_PREFIX):
            address = client_address(request)
            if not self.is_allowed(address):
                security_event("ip_denied", request, level=logging.WARNING)
                return JsonResponse(
                    error_body("Access from this address is not allowed.", "ip_not_allowed"), status=403
                )
        return self.get_response(request)
