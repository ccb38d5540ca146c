"""The shared cache (Redis) with a circuit breaker: a Redis that hangs costs seconds once, not on
every request.

A stopped Redis refuses connections at once, but a hung one (overloaded, paused, a network that
drops packets) accepts them and never answers, so each cache call waits out its socket timeout.
After ``FAILURES`` calls in a row that timed out, a process stops calling Redis for ``COOLDOWN`` seconds:
each call fails at once with ``CacheUnavailable`` (a redis ``ConnectionError``), which every
caller already treats as an outage (throttles fail open, authentication reads the database).
Then one call tries Redis again; its success closes the circuit, its failure opens it for
another cooldown. Each process (gunicorn worker) keeps its own circuit. A Redis that is down
refuses connections at once: that costs nothing, so it opens no circuit, and the app uses Redis
again the moment it is back.
"""

import functools
import logging
import threading
import time

from django.dispatch import Signal
from django_redis.cache import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# The cache methods the project calls (and those BaseCache builds on them).
GUARDED_METHODS = (
    "get",
    "set",
    "add",
    "delete",
    "delete_many",
    "delete_pattern",
    "get_many",
    "set_many",
    "incr",
    "decr",
    "has_key",
    "touch",
    "ttl",
    "expire",
    "clear",
)


# Sent when a call to Redis fails (down, hung, or skipped by the open circuit): what the cache held
# may have missed writes meanwhile, so whatever trusts its entries should check them again.
cache_failed = Signal()


class CacheUnavailable(RedisConnectionError):
    """The circuit is open: Redis is not even asked."""


class CircuitBreaker:
    def __init__(self, failures: int, cooldown: float, clock=time.monotonic) -> None:
        self.threshold, self.cooldown, self.clock = failures, cooldown, clock
        self.failures = 0
        self.opened_at: float | None = None
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None

    def allow(self) -> bool:
        """Whether this call may go to Redis: always while closed; once per cooldown while open."""
        with self._lock:
            if self.opened_at is None:
                return True
            if self.clock() - self.opened_at < self.cooldown:
                return False
            self.opened_at = self.clock()  # this call is the trial; the others wait another cooldown
            return True

    def succeeded(self) -> None:
        with self._lock:
            if self.opened_at is not None:
                logger.warning("shared cache answers again: circuit closed")
            self.failures, self.opened_at = 0, None

    def failed(self, error: Exception) -> None:
        with self._lock:
            self.failures += 1
            if self.failures >= self.threshold:
                if self.opened_at is None:
                    logger.error(
                        "shared cache failing (%s): circuit open, Redis skipped for %ss at a time",
                        type(error).__name__,
                        self.cooldown,
                    )
                self.opened_at = self.clock()


def _guarded(name: str):
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        if not self.breaker.allow():
            cache_failed.send(sender=SharedCache)
            raise CacheUnavailable("the shared cache's circuit is open")
        try:
            result = method(self, *args, **kwargs)
        except RedisError as error:
            if isinstance(error, RedisTimeoutError):
                self.breaker.failed(error)
            cache_failed.send(sender=SharedCache)
            raise
        self.breaker.succeeded()
        return result

    return call


class SharedCache(RedisCache):
    """django-redis's cache, each call through the process's circuit breaker. Settings:
    ``CACHES["default"]["CIRCUIT_BREAKER"] = {"FAILURES": 3, "COOLDOWN": 5}``."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        breaker = params.get("CIRCUIT_BREAKER", {})
        self.breaker = CircuitBreaker(int(breaker.get("FAILURES", 3)), float(breaker.get("COOLDOWN", 5)))


for _name in GUARDED_METHODS:
    setattr(SharedCache, _name, _guarded(_name))
