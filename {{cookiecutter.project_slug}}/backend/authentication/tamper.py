"""Tamper detection: invalid tokens are security events, counted per address in the shared cache.

Expired tokens are not tampering. Past ``TAMPER_THRESHOLD`` invalid tokens within
``TAMPER_WINDOW``, requests from that address that present a token get 429 until the
window ends. The counter lives in the shared cache, so every worker sees it; while that
cache is down, tokens are still verified and the outage is logged, but nothing is counted.
"""

import logging

from django.core.cache import cache
from rest_framework.exceptions import Throttled

from .conf import auth_settings
from .request_context import tamper_counter_key
from .security_log import security_event

logger = logging.getLogger(__name__)


def reject_if_over_threshold(context, count: int) -> None:
    """429 once ``count`` (the caller's counter, read with the request's shared state) reaches the threshold."""
    if count >= auth_settings.TAMPER_THRESHOLD:
        security_event("tamper_blocked", context, level=logging.WARNING)
        raise Throttled(wait=auth_settings.TAMPER_WINDOW.total_seconds())


def _count_invalid_token(key: str) -> int:
    window = int(auth_settings.TAMPER_WINDOW.total_seconds())
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def record_invalid_token(context, reason: str) -> None:
    try:
        count = _count_invalid_token(tamper_counter_key(context.client_address))
    except Exception as error:  # the event below is still logged; only the count is lost
        logger.warning("tamper counter unavailable: %s", type(error).__name__)
        count = None
    security_event("token_tampered", context, level=logging.WARNING, reason=reason, count=count)
