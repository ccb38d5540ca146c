"""Tamper detection: invalid tokens are security events, counted per address in the shared cache.

Expired tokens are not tampering. Past ``TAMPER_THRESHOLD`` invalid tokens within
``TAMPER_WINDOW``, requests from that address that present a token get 429 until the
window ends. The counter lives in the shared cache, so every worker sees it; while that
cache is down, tokens are still verified and the outage is logged, but nothing is counted.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from rest_framework.exceptions import Throttled

from .client_address import client_address
from .security_log import security_event

logger = logging.getLogger(__name__)


def counter_key(address: str) -> str:
    return f"tamper:{address}"


def counter_unavailable(error: Exception) -> None:
    """Log a failed read of the counter; the request goes on (a cache outage must not cause 500s)."""
    logger.warning("tamper counter unavailable: %s", type(error).__name__)


def reject_if_over_threshold(request, count: int) -> None:
    """429 once ``count`` (the caller's counter, read by authentication) reaches the threshold."""
    if count >= settings.TAMPER_THRESHOLD:
        security_event("tamper_blocked", request, level=logging.WARNING)
        raise Throttled(wait=settings.TAMPER_WINDOW.total_seconds())


def _count_invalid_token(key: str) -> int:
    window = int(settings.TAMPER_WINDOW.total_seconds())
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def record_invalid_token(request, reason: str) -> None:
    try:
        count = _count_invalid_token(counter_key(client_address(request)))
    except Exception as error:  # the event below is still logged; only the count is lost
        counter_unavailable(error)
        count = None
    security_event("token_tampered", request, level=logging.WARNING, reason=reason, count=count)
