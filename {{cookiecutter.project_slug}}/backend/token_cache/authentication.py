"""Access-token authentication that asks the token cache before verifying and querying.

One round trip to the cache brings the entry, its session's revocation marker and the
caller's tamper counter, so a hit costs no more cache traffic than the tamper check alone.
"""

import contextlib

import jwt

from authentication import tamper
from authentication.access import AccessTokenAuthentication, load_session, validate_access_token
from authentication.client_address import client_address

from . import store


def _unverified_session_id(raw_token) -> str | None:
    """The ``sid`` claim, read without verification only to pick the revocation marker to fetch."""
    try:
        payload = jwt.decode(raw_token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return None
    session_id = payload.get("sid")
    return session_id if isinstance(session_id, str) else None


class CachedAccessTokenAuthentication(AccessTokenAuthentication):
    def authenticate_token(self, raw_token, request) -> tuple:
        tamper_key = tamper.counter_key(client_address(request))
        try:
            hit, tamper_count = store.lookup(raw_token, _unverified_session_id(raw_token), tamper_key)
        except store.CacheUnavailable:
            return super().authenticate_token(raw_token, request)
        tamper.reject_if_over_threshold(request, tamper_count)
        if hit is not None:
            return hit
        claims = validate_access_token(raw_token, request)
        session = load_session(claims)
        with contextlib.suppress(store.CacheUnavailable):  # already logged; the next request retries
            store.store(raw_token, session.user, claims, session.absolute_expires_at)
        return session.user, claims
