"""System checks (``manage.py check``): a relying party browsers would refuse fails at startup,
not at the first passkey."""

import ipaddress
from urllib.parse import urlsplit

from django.core.checks import Error, Tags, register

from .conf import passkey_settings

LOOPBACK_NAMES = ("localhost",)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def relying_party_errors(rp_id: str, origins: list[str]) -> list[str]:
    if not rp_id or _is_ip(rp_id):
        return [f"PASSKEYS RP_ID must be a domain name, not {rp_id!r}: browsers refuse IP addresses."]
    errors = []
    for origin in origins:
        parts = urlsplit(origin)
        host = parts.hostname or ""
        if parts.scheme != "https" and host not in LOOPBACK_NAMES:
            errors.append(f"PASSKEYS origin {origin!r} must use https (only localhost may use http).")
        if host != rp_id and not host.endswith(f".{rp_id}"):
            errors.append(f"PASSKEYS origin {origin!r} is not on RP_ID {rp_id!r} or a subdomain of it.")
    return errors


@register(Tags.security, deploy=False)
def check_passkey_settings(app_configs, **kwargs) -> list[Error]:
    return [
        Error(message, id="passkeys.E001")
        for message in relying_party_errors(passkey_settings.RP_ID, passkey_settings.ORIGINS)
    ]
