"""Who is calling: the socket peer, or the right-most untrusted hop behind our own proxies.

``X-Forwarded-For`` is written by the client unless a proxy we trust overwrote it, so it
only counts when the peer is one of ``TRUSTED_PROXIES`` (ASVS 5 4.1.3, OWASP WSTG-ATHZ-03).
django-ipware prefers the left-most public address, which the client controls; walking the
chain from the right is the rule we need, and it is a dozen lines.
"""

import functools
import ipaddress

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _trusted_networks(configured: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(network, strict=False) for network in configured)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request) -> str:
    peer = request.META.get("REMOTE_ADDR", "")
    networks = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _is_trusted(peer, networks):
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    nearest_trusted = peer
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            # A hop our own proxy would never write: stop at the last address we can vouch for.
            return nearest_trusted
        if not _is_trusted(hop, networks):
            return hop
        nearest_trusted = hop
    return nearest_trusted
