"""DRF throttles keyed on the real client address (never a client-supplied header).

DRF's default identity trusts X-Forwarded-For when NUM_PROXIES is unset; ours is the request
context's address (authentication.client_address). Login is limited per address and per
username, so neither rotating addresses nor rotating usernames escapes it (ASVS 5.0 6.3.1,
OWASP WSTG-ATHN-03). A throttle reads the history that authentication already read in the
request's one round trip to the shared cache, if it did.

While the shared cache is down, throttles fail open: requests are served and each one raises
a ``throttle_unavailable`` security event at ERROR level for alerting, rather than every
request failing with a 500 (a deliberate choice: an outage must not lock users out).
"""

import hashlib
import logging

from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from rest_framework import throttling
from rest_framework.exceptions import APIException

from .request_context import USER_THROTTLE_SCOPE, RequestContext, context_of, throttle_history_key
from .security_log import security_event


class ContextCache:
    """The cache as a throttle of this request sees it: the round trip's reads first, then the cache."""

    def __init__(self, context: RequestContext) -> None:
        self.context = context

    def get(self, key: str, default=None):
        return self.context.cached(key, default)

    def set(self, key: str, value, timeout=None) -> None:
        cache.set(key, value, timeout)


class ClientAddressMixin:
    def get_ident(self, request) -> str:
        return self.context.client_address

    def allow_request(self, request, view) -> bool:
        self.context = context_of(request)
        self.cache = ContextCache(self.context)
        try:
            return super().allow_request(request, view)
        except (APIException, RequestDataTooBig):  # a malformed or oversized body, reported as such
            raise
        except Exception as error:  # the cache is down: serve the request, raise an alert
            security_event(
                "throttle_unavailable", self.context, level=logging.ERROR, scope=self.scope, error=type(error).__name__
            )
            return True

    def throttle_failure(self) -> bool:
        security_event("throttled", self.context, level=logging.WARNING, scope=self.scope)
        return False

    def history_key(self, ident) -> str:
        return throttle_history_key(self.scope, ident)


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    def get_cache_key(self, request, view) -> str | None:
        if request.user and request.user.is_authenticated:
            return None  # only unauthenticated requests are counted here
        return self.history_key(self.get_ident(request))


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    scope = USER_THROTTLE_SCOPE

    def get_cache_key(self, request, view) -> str:
        authenticated = request.user and request.user.is_authenticated
        return self.history_key(request.user.pk if authenticated else self.get_ident(request))


class AddressThrottle(ClientAddressMixin, throttling.SimpleRateThrottle):
    """Counts the requests of one client address."""

    def get_cache_key(self, request, view) -> str:
        return self.history_key(self.get_ident(request))


class BodyFieldThrottle(ClientAddressMixin, throttling.SimpleRateThrottle):
    """Counts the requests naming one value of a body field (a username, an email address),
    whichever address they come from."""

    field: str

    def get_cache_key(self, request, view) -> str | None:
        data = request.data
        value = data.get(self.field) if isinstance(data, dict) else None
        if not isinstance(value, str) or not value.strip():
            return None
        # Hashed, so cache keys never hold raw usernames or addresses.
        return self.history_key(hashlib.sha256(value.strip().casefold().encode()).hexdigest())


class LoginAddressThrottle(AddressThrottle):
    scope = "login"


class LoginUsernameThrottle(BodyFieldThrottle):
    scope = "login_username"
    field = "username"


class ReauthenticationThrottle(ClientAddressMixin, throttling.SimpleRateThrottle):
    """Password checks by a signed-in user (re-authentication), per account: a stolen access token
    cannot be used to guess the password behind it."""

    scope = "reauthenticate"

    def get_cache_key(self, request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return self.history_key(request.user.pk)
