"""Who is calling: the socket peer, or the right-most untrusted hop behind our own proxies.

``X-Forwarded-For`` is written by the client unless a proxy we trust overwrote it, so it
only counts when the peer is one of ``TRUSTED_PROXIES`` (ASVS 5.0 4.1.3, OWASP WSTG-ATHZ-03).
django-ipware prefers the left-most public address, which the client controls; walking the
chain from the right is the rule we need, and it is a dozen lines.
"""

import functools
import ipaddress

from django.core.exceptions import ImproperlyConfigured

from .conf import auth_settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values, setting: str) -> tuple[Network, ...]:
    """CIDR strings from a setting; a bad entry stops start-up with the setting's name."""
    try:
        return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip())
    except ValueError as error:
        raise ImproperlyConfigured(f"{setting} holds an invalid network: {error}") from error


def in_networks(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    # A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d; compare them as IPv4.
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


@functools.cache
def _trusted_networks(configured: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(configured, "TRUSTED_PROXIES")


def client_address(meta: dict) -> str:
    """The client of a request with these ``META`` headers. Worked out once per request, by
    authentication.request_context: ask the request's context for it."""
    peer = meta.get("REMOTE_ADDR", "")
    networks = _trusted_networks(tuple(auth_settings.TRUSTED_PROXIES))
    if not networks or not in_networks(peer, networks):
        return peer
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    nearest_trusted = peer
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            # A hop our own proxy would never write: stop at the last address we can vouch for.
            return nearest_trusted
        if not in_networks(hop, networks):
            return hop
        nearest_trusted = hop
    return nearest_trusted
