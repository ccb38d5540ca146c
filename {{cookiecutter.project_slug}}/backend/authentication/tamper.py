"""Tamper detection: invalid tokens are security events, counted per address in the shared cache.

Expired tokens are not tampering. Past ``TAMPER_THRESHOLD`` invalid tokens within
``TAMPER_WINDOW``, requests from that address that present a token get 429 until the
window ends. The counter lives in the shared cache, so every worker sees it.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from rest_framework.exceptions import Throttled

from .client_address import client_address
from .security_log import security_event


def _counter_key(address: str) -> str:
    return f"tamper:{address}"


def reject_if_blocked(request, address: str) -> None:
    if cache.get(_counter_key(address), 0) >= settings.TAMPER_THRESHOLD:
        security_event("tamper_blocked", request, level=logging.WARNING)
        raise Throttled(wait=settings.TAMPER_WINDOW.total_seconds())


def record_invalid_token(request, reason: str) -> None:
    key = _counter_key(client_address(request))
    window = int(settings.TAMPER_WINDOW.total_seconds())
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    security_event("token_tampered", request, level=logging.WARNING, reason=reason, count=count)
