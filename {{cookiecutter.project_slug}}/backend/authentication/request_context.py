"""What one request is, worked out once: who sent it, and what the shared cache holds for it.

Django's request and DRF's wrapper of it share one ``RequestContext``, kept on Django's
request, so middleware, authentication, throttles and the security log all see the same
client address, computed once.

An authenticated request makes one round trip to the shared cache (Redis), here: the
caller's tamper counter, the token user's throttle history and whatever the access-token
store (when an optional app installs one) needs, in one ``get_many``. The throttles then take
the history from this context instead of asking the cache again. A round trip costs more than
anything else a throttle does, so this saves one on every authenticated call. The formats of
the keys read in that round trip are defined here, and nowhere else.
"""

import logging
from dataclasses import dataclass, field

import jwt
from django.core.cache import cache

from .client_address import client_address
from .tokens import MAX_TOKEN_LENGTH

logger = logging.getLogger(__name__)

_ATTRIBUTE = "auth_context"
# DRF's throttle key format, kept so that keys stay those DRF's own throttles would use.
THROTTLE_KEY_FORMAT = "throttle_%(scope)s_%(ident)s"
# The scope of the per-user throttle, whose history an authenticated request reads early.
USER_THROTTLE_SCOPE = "user"


def tamper_counter_key(address: str) -> str:
    return f"tamper:{address}"


def throttle_history_key(scope: str, ident) -> str:
    return THROTTLE_KEY_FORMAT % {"scope": scope, "ident": ident}


@dataclass
class RequestContext:
    request: object  # Django's HttpRequest
    client_address: str
    # What the shared cache held for the keys read in this request's one round trip.
    _read_keys: frozenset = frozenset()
    _found: dict = field(default_factory=dict)
    # What client bindings give the client in this request's response, by binding name: a
    # value issued at sign-in, or the one presented, renewed with a refresh.
    client_values: dict = field(default_factory=dict)
    # Claims of an access token to renew in the response (silent refresh), or None.
    renew_claims: dict | None = None

    def read_shared(self, keys: list[str]) -> dict:
        """``cache.get_many(keys)``, remembered for the rest of the request; raises as the cache does."""
        found = cache.get_many(keys)
        self._read_keys, self._found = frozenset(keys), found
        return found

    def cached(self, key: str, default=None):
        """The value of ``key`` as read in this request's round trip, or else from the cache."""
        if key in self._read_keys:
            return self._found.get(key, default)
        return cache.get(key, default)


def context_of(request) -> RequestContext:
    """The context of a Django or DRF request (or a context itself), made on first use."""
    if isinstance(request, RequestContext):
        return request
    django_request = getattr(request, "_request", request)
    context = getattr(django_request, _ATTRIBUTE, None)
    if context is None:
        context = RequestContext(django_request, client_address(django_request.META))
        setattr(django_request, _ATTRIBUTE, context)
    return context


def existing_context(request) -> RequestContext | None:
    """The context if something in this request made one; never makes one."""
    return getattr(getattr(request, "_request", request), _ATTRIBUTE, None)


def unverified_claims(raw_token) -> dict:
    """The token's claims WITHOUT verification: only to choose which cache keys to read early."""
    if len(raw_token) > MAX_TOKEN_LENGTH:
        return {}
    try:
        payload = jwt.decode(raw_token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return {}
    return payload if isinstance(payload, dict) else {}


@dataclass(frozen=True)
class RequestState:
    """What an authenticating request needs before it looks at its token: its context, and what the
    shared cache told it in the request's one round trip."""

    context: RequestContext
    tamper_count: int
    stored_identity: tuple | None  # (user, claims) from the access-token store, or None


def read_request_state(request, raw_token, store) -> RequestState:
    """The request's context and its one round trip to the shared cache.

    The token's user comes from its unverified claims, so the throttle history read here is only
    a guess at the key: the throttle uses it only if it names the user the token authenticates.
    """
    context = context_of(request)
    claims = unverified_claims(raw_token)
    keys = [tamper_counter_key(context.client_address)]
    user_id = claims.get("user_id")
    if isinstance(user_id, int) and not isinstance(user_id, bool):
        keys.append(throttle_history_key(USER_THROTTLE_SCOPE, user_id))
    store_keys = store.keys_for(raw_token, claims) if store is not None else []
    try:
        found = context.read_shared(keys + store_keys)
    except Exception as error:  # a cache outage must not turn every authenticated request into a 500
        logger.warning("shared cache unavailable, authenticating from the database: %s", type(error).__name__)
        return RequestState(context, tamper_count=0, stored_identity=None)
    identity = store.identity_from(found, store_keys, claims) if store is not None else None
    return RequestState(context, tamper_count=found.get(keys[0], 0), stored_identity=identity)
