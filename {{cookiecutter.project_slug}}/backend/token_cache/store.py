"""Validated access tokens in the shared cache (Redis, through Django's cache framework).

An entry is keyed on a hash of the whole token, signature included, so only a token that
was fully validated once can ever hit; it holds the claims and the user fields that
authorize it, and lives no longer than the token or its session. Revocation writes a marker
per session that every hit checks in the same round trip, so logout, reuse detection,
password change and deactivation win over the cache at once; so does a change to one of the
cached user fields (an email change, a new staff flag). When the cache is down,
requests are authenticated from the database and a warning is logged.

A revocation during an outage cannot write its marker, and a Redis that was only hung comes
back with its entries. So the revocation is kept in the database (``UnmarkedRevocation``), and a
process that has seen the cache fail (or has just started) answers from the database until it
has written every kept marker: no token revoked meanwhile is served from the cache afterwards.

``TokenCacheStore`` is the access-token store that authentication asks (see
authentication.access): its keys are read in the request's one round trip to the cache.
"""

import contextlib
import hashlib
import logging
import time

from django.contrib.auth import get_user_model
from django.core.cache import cache

from authentication.conf import auth_settings

logger = logging.getLogger(__name__)

# True until this process has written the markers of revocations the cache missed: at start, and
# again after any failure of the cache. Meanwhile no cached entry is trusted.
_markers_pending = True


def markers_may_be_missing() -> None:
    global _markers_pending
    _markers_pending = True


KEY_PREFIX = "token-cache"
USER_FIELDS = (
    "id",
    "username",
    "email",
    "email_verified_at",
    "first_name",
    "last_name",
    "is_active",
    "is_staff",
    "is_superuser",
)


class CacheUnavailable(Exception):
    """The cache could not be reached; authenticate from the database instead."""


def entry_key(raw_token: bytes | str) -> str:
    raw = raw_token if isinstance(raw_token, bytes) else raw_token.encode()
    return f"{KEY_PREFIX}:token:{hashlib.sha256(raw).hexdigest()}"


def revoked_key(session_id: str) -> str:
    return f"{KEY_PREFIX}:revoked:{session_id}"


def _call(operation, *args, **kwargs):
    try:
        return operation(*args, **kwargs)
    except Exception as error:  # any backend failure: the database remains the source of truth
        markers_may_be_missing()
        logger.warning("token cache unavailable: %s", type(error).__name__)
        raise CacheUnavailable from error


def write_missed_markers() -> None:
    """Write the markers of revocations the cache missed, then forget them; CacheUnavailable if it
    is still down (they stay kept)."""
    global _markers_pending
    from .models import UnmarkedRevocation

    _markers_pending = False  # a failure from here on sets it again
    kept = list(UnmarkedRevocation.objects.values_list("pk", "session_id")[:1000])
    if kept:
        forget_sessions([session_id for _, session_id in kept])
        UnmarkedRevocation.objects.filter(pk__in=[pk for pk, _ in kept]).delete()
        if len(kept) == 1000:
            _markers_pending = True  # more to write on the next request


def _session_id(claims: dict) -> str | None:
    return claims.get("sid") if isinstance(claims.get("sid"), str) else None


def _cached_user(fields: dict):
    """The cached user, as if loaded with ``.only(*USER_FIELDS)``.

    Other fields, such as the password hash, are never cached: reading one loads it from the
    database (a password change needs it), and ``save()`` writes only the cached fields.
    """
    user_model = get_user_model()
    names = [field.attname for field in user_model._meta.concrete_fields if field.attname in fields]
    return user_model.from_db("default", names, [fields[name] for name in names])


class TokenCacheStore:
    def keys_for(self, raw_token, claims: dict) -> list[str]:
        """The entry of this token and the revocation marker of the session it claims."""
        return [entry_key(raw_token), revoked_key(_session_id(claims) or "-")]

    def identity_from(self, found: dict, keys: list[str], claims: dict) -> tuple | None:
        """(user, claims) for a cached token whose session is not marked revoked, else None."""
        entry_at, revoked_at = keys
        entry = found.get(entry_at)
        if _markers_pending:
            return None  # answer from the database until the missed markers are written (remember)
        if entry is None or revoked_at in found or entry["claims"].get("sid") != _session_id(claims):
            return None
        return _cached_user(entry["user"]), entry["claims"]

    def remember(self, raw_token, session, claims: dict) -> None:
        # An entry outlives neither the token nor its session's absolute end (ASVS 5.0 10.4.8).
        ttl = int(min(claims["exp"], session.absolute_expires_at.timestamp()) - time.time())
        if ttl <= 0:
            return
        entry = {"claims": claims, "user": {field: getattr(session.user, field) for field in USER_FIELDS}}
        with contextlib.suppress(CacheUnavailable):  # already logged; the next request retries
            if _markers_pending:
                write_missed_markers()
            _call(cache.set, entry_key(raw_token), entry, timeout=ttl)


def forget_sessions(session_ids) -> None:
    """Stop answering from the cache for these sessions (revoked, or their user changed) for as long
    as any of their access tokens can live: their requests are checked in the database instead."""
    timeout = int(auth_settings.ACCESS_TOKEN_LIFETIME.total_seconds()) + 60
    _call(cache.set_many, {revoked_key(str(session_id)): True for session_id in session_ids}, timeout=timeout)
