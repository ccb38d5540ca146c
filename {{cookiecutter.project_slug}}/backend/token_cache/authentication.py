"""Access-token authentication that asks the token cache before verifying and querying.

One round trip to the cache brings the entry, its session's revocation marker, the caller's
tamper counter and the user's throttle history: a hit costs no more cache traffic than the
tamper check alone.
"""

import contextlib

from authentication import tamper
from authentication.access import (
    AccessTokenAuthentication,
    caller_cache_keys,
    load_session,
    unverified_claims,
    validate_access_token,
)

from . import store


class CachedAccessTokenAuthentication(AccessTokenAuthentication):
    def authenticate_token(self, raw_token, request) -> tuple:
        claims = unverified_claims(raw_token)
        session_id = claims.get("sid") if isinstance(claims.get("sid"), str) else None
        keys = caller_cache_keys(request, claims)
        try:
            hit, found = store.lookup(request, raw_token, session_id, keys)
        except store.CacheUnavailable as error:
            # That read was the tamper counter's too: report it, and do not ask the cache again.
            tamper.counter_unavailable(error.__cause__)
            return self.authenticate_in_database(raw_token, request, 0)
        tamper.reject_if_over_threshold(request, found.get(keys[0], 0))
        if hit is not None:
            return hit
        claims = validate_access_token(raw_token, request)
        session = load_session(claims)
        with contextlib.suppress(store.CacheUnavailable):  # already logged; the next request retries
            store.store(raw_token, session.user, claims, session.absolute_expires_at)
        return session.user, claims
