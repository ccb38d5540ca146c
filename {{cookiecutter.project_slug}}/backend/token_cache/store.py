"""Validated access tokens in the shared cache (Redis, through Django's cache framework).

An entry is keyed on a hash of the whole token, signature included, so only a token that
was fully validated once can ever hit; it holds the claims and the user fields that
authorize it, and lives no longer than the token or its session. Revocation writes a marker
per session that every hit checks in the same round trip, so logout, reuse detection,
password change and deactivation win over the cache at once. When the cache is down,
callers fall back to the database and a warning is logged.
"""

import hashlib
import logging
import time
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

from authentication import request_cache

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


def lookup(request, raw_token, session_id: str | None, other_keys: list[str]) -> tuple[tuple | None, dict]:
    """(user, claims) for a cached, unrevoked token, or None on a miss; and what the cache holds
    for ``other_keys``. The entry, the session's revocation marker and the other keys (the
    caller's tamper counter and throttle history) come in one round trip.
    """
    keys = [entry_key(raw_token), revoked_key(session_id or "-"), *other_keys]
    found = _call(request_cache.read_many, request, keys)
    entry = found.get(keys[0])
    if entry is None or keys[1] in found or entry["claims"].get("sid") != session_id:
        return None, found
    return (_cached_user(entry["user"]), entry["claims"]), found


def _cached_user(fields: dict):
    """The cached user, as if loaded with ``.only(*USER_FIELDS)``.

    Other fields, such as the password hash, are never cached: reading one loads it from the
    database (a password change needs it), and ``save()`` writes only the cached fields.
    """
    user_model = get_user_model()
    names = [field.attname for field in user_model._meta.concrete_fields if field.attname in fields]
    return user_model.from_db("default", names, [fields[name] for name in names])


def store(raw_token, user, claims: dict, session_expires_at: datetime) -> None:
    # An entry outlives neither the token nor its session's absolute end (ASVS 5 10.4.8).
    ttl = int(min(claims["exp"], session_expires_at.timestamp()) - time.time())
    if ttl <= 0:
        return
    entry = {"claims": claims, "user": {field: getattr(user, field) for field in USER_FIELDS}}
    _call(cache.set, entry_key(raw_token), entry, timeout=ttl)


def forget_sessions(session_ids) -> None:
    """Mark sessions revoked for as long as any of their access tokens can live."""
    timeout = int(settings.ACCESS_TOKEN_LIFETIME.total_seconds()) + 60
    _call(cache.set_many, {revoked_key(str(session_id)): True for session_id in session_ids}, timeout=timeout)
