"""DRF throttles keyed on the real client address (never a client-supplied header).

DRF's default identity trusts X-Forwarded-For when NUM_PROXIES is unset; ours comes from
authentication.client_address. Login is limited per address and per username, so neither
rotating addresses nor rotating usernames escapes it (ASVS 5 6.3.1, OWASP WSTG-ATHN-03).
While the shared cache is down, throttles fail open: requests are served and each one
raises a ``throttle_unavailable`` security event at ERROR level for alerting, rather than
every request failing with a 500 (a deliberate choice: an outage must not lock users out).
"""

import hashlib
import logging

from django.core.exceptions import RequestDataTooBig
from rest_framework import throttling
from rest_framework.exceptions import APIException

from .client_address import client_address
from .request_cache import RequestCache
from .security_log import security_event


class ClientAddressMixin:
    def get_ident(self, request) -> str:
        return client_address(request)

    def allow_request(self, request, view) -> bool:
        self.request = request  # for the security event if the request is refused
        self.cache = RequestCache(request)  # history that authentication already read, if any
        try:
            return super().allow_request(request, view)
        except (APIException, RequestDataTooBig):  # a malformed or oversized body, reported as such
            raise
        except Exception as error:  # the cache is down: serve the request, raise an alert
            security_event(
                "throttle_unavailable", request, level=logging.ERROR, scope=self.scope, error=type(error).__name__
            )
            return True

    def throttle_failure(self) -> bool:
        security_event("throttled", self.request, level=logging.WARNING, scope=self.scope)
        return False


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    @classmethod
    def key_for_user(cls, user_id) -> str:
        """The cache key of a signed-in user's history, as ``get_cache_key`` makes it."""
        return cls.cache_format % {"scope": cls.scope, "ident": user_id}


class LoginAddressThrottle(ClientAddressMixin, throttling.SimpleRateThrottle):
    scope = "login"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginUsernameThrottle(ClientAddressMixin, throttling.SimpleRateThrottle):
    scope = "login_username"

    def get_cache_key(self, request, view) -> str | None:
        data = request.data
        username = data.get("username") if isinstance(data, dict) else None
        if not isinstance(username, str) or not username:
            return None
        # Hashed, so cache keys never hold raw usernames.
        ident = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}
