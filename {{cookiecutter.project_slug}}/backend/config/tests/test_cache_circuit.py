"""The shared cache's circuit breaker (config.cache): a hung Redis is asked a few times, then left
alone for a cooldown, then tried once again; callers see the outage they already handle."""

import contextlib
import socket
import threading

import pytest
from django.test import override_settings
from redis.exceptions import RedisError

from config.cache import CacheUnavailable, CircuitBreaker, SharedCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class HungRedis:
    """A TCP server that accepts connections and reads what they send, and never answers: Redis
    paused, overloaded or behind a network that drops its replies."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.received = 0
        self.connections: list[socket.socket] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.listener.settimeout(0.05)
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                connection = None
            if connection is not None:
                connection.setblocking(False)
                self.connections.append(connection)
            for open_connection in self.connections:
                with contextlib.suppress(BlockingIOError):
                    self.received += len(open_connection.recv(65536))

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()
        for connection in [*self.connections, self.listener]:
            connection.close()


@pytest.fixture
def hung_redis():
    server = HungRedis()
    yield server
    server.stop()


def cache_on(port: int, clock=None) -> SharedCache:
    cache = SharedCache(
        f"redis://127.0.0.1:{port}/0",
        {
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
            "CIRCUIT_BREAKER": {"FAILURES": 3, "COOLDOWN": 5},
        },
    )
    if clock is not None:
        cache.breaker.clock = clock
    return cache


def test_the_circuit_opens_after_failures_in_a_row_and_tries_again_after_the_cooldown():
    clock = Clock()
    breaker = CircuitBreaker(failures=3, cooldown=5, clock=clock)
    for _ in range(2):
        breaker.failed(TimeoutError())
    breaker.succeeded()  # a success in between: the count starts again
    for _ in range(2):
        breaker.failed(TimeoutError())
    assert breaker.allow() and not breaker.is_open
    breaker.failed(TimeoutError())
    assert breaker.is_open and not breaker.allow()
    clock.now += 4.9
    assert not breaker.allow()
    clock.now += 0.2
    assert breaker.allow()  # one trial call ...
    assert not breaker.allow()  # ... and the others keep skipping it meanwhile
    breaker.failed(TimeoutError())
    clock.now += 5.1
    assert breaker.allow()
    breaker.succeeded()
    assert not breaker.is_open and breaker.allow() and breaker.allow()


def test_a_hung_redis_is_asked_three_times_then_not_at_all(hung_redis):
    clock = Clock()
    cache = cache_on(hung_redis.port, clock)
    for _ in range(3):
        with pytest.raises(RedisError) as failure:
            cache.get("key")
        assert not isinstance(failure.value, CacheUnavailable)  # Redis was asked and timed out
    asked = hung_redis.received
    assert asked > 0
    for _ in range(50):
        with pytest.raises(CacheUnavailable):
            cache.get("key")
        with pytest.raises(CacheUnavailable):
            cache.set("key", 1)
    assert hung_redis.received == asked  # not one more byte went to Redis
    clock.now += 5.1
    with pytest.raises(RedisError):
        cache.get("key")  # the trial after the cooldown: still hung
    assert hung_redis.received > asked


def test_a_redis_that_refuses_connections_opens_no_circuit():
    """Down, not hung: each call fails at once anyway, and Redis is used again as soon as it is back."""
    cache = cache_on(1)  # nothing listens on port 1
    for _ in range(10):
        with pytest.raises(RedisError) as failure:
            cache.get("key")
        assert not isinstance(failure.value, CacheUnavailable)
    assert not cache.breaker.is_open


@pytest.mark.django_db
def test_requests_keep_working_while_the_circuit_is_open(hung_redis, user, login, api):
    access = login().json()["access"]
    caches = {
        "default": {
            "BACKEND": "config.cache.SharedCache",
            "LOCATION": f"redis://127.0.0.1:{hung_redis.port}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
            "CIRCUIT_BREAKER": {"FAILURES": 3, "COOLDOWN": 60},
        }
    }
    with override_settings(CACHES=caches):
        from django.core.cache import cache

        statuses = [api.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {access}").status_code for _ in range(10)]
        assert statuses == [200] * 10  # authenticated from the database
        assert cache.breaker.is_open
