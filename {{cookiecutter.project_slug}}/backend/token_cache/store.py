"""Validated access tokens in the shared cache (Redis, through Django's cache framework).

An entry is keyed on a hash of the whole token, signature included, so only a token that
was fully validated once can ever hit; it holds the claims and the user fields that
authorize it, and lives no longer than the token. Revocation writes a marker per session
that every hit checks in the same round trip, so logout, reuse detection, password change
and deactivation win over the cache at once. When the cache is down, callers fall back to
the database and a warning is logged.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

logger = logging.getLogger(__name__)

USER_FIELDS = ("id", "username", "email", "first_name", "last_name", "is_active", "is_staff", "is_superuser")


class CacheUnavailable(Exception):
    """The cache could not be reached; authenticate from the database instead."""


def entry_key(raw_token: bytes | str) -> str:
    raw = raw_token if isinstance(raw_token, bytes) else raw_token.encode()
    return f"{settings.TOKEN_CACHE_KEY_PREFIX}:token:{hashlib.sha256(raw).hexdigest()}"


def revoked_key(session_id: str) -> str:
    return f"{settings.TOKEN_CACHE_KEY_PREFIX}:revoked:{session_id}"


def _call(operation, *args, **kwargs):
    try:
        return operation(*args, **kwargs)
    except Exception as error:  # any backend failure: the database remains the source of truth
        logger.warning("token cache unavailable: %s", type(error).__name__)
        raise CacheUnavailable from error


def lookup(raw_token, session_id: str | None):
    """(user, claims) for a cached, unrevoked token; None on a miss."""
    keys = [entry_key(raw_token), revoked_key(session_id or "-")]
    found = _call(cache.get_many, keys)
    entry = found.get(keys[0])
    if entry is None or keys[1] in found or entry["claims"].get("sid") != session_id:
        return None
    user = get_user_model()(**entry["user"])
    user._state.adding = False
    user._state.db = "default"
    return user, entry["claims"]


def store(raw_token, user, claims: dict) -> None:
    ttl = int(claims["exp"] - time.time())
    if ttl <= 0:
        return
    entry = {"claims": claims, "user": {field: getattr(user, field) for field in USER_FIELDS}}
    _call(cache.set, entry_key(raw_token), entry, timeout=ttl)


def forget_sessions(session_ids) -> None:
    """Mark sessions revoked for as long as any of their access tokens can live."""
    timeout = int(settings.ACCESS_TOKEN_LIFETIME.total_seconds()) + 60
    _call(cache.set_many, {revoked_key(str(session_id)): True for session_id in session_ids}, timeout=timeout)
