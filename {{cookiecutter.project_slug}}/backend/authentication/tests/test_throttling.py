"""Login throttling per client address and per username, immune to forged X-Forwarded-For (ASVS 5.0 6.3.1, 4.1.3);
the user scope, read in the same cache round trip as authentication's own reads."""

import contextlib
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from rest_framework.test import APIClient

from authentication.client_address import parse_networks
from authentication.request_context import throttle_history_key
from authentication.testing import ORIGIN, bearer, start_bound_session
from authentication.throttles import UserRateThrottle

pytestmark = pytest.mark.django_db

HEADERS = {"HTTP_ORIGIN": ORIGIN, "HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
ME = "/api/me/"


def attempt(api, username="alice", **extra):
    return api.post("/api/auth/login/", {"username": username, "password": "wrong"}, format="json", **extra)


def test_sixth_login_attempt_in_a_minute_gets_429(api, user):
    statuses = [attempt(api).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]


def test_throttled_response_uses_the_error_shape_and_retry_after(api, user):
    for _ in range(5):
        attempt(api)
    response = attempt(api)
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_forged_x_forwarded_for_does_not_escape_the_limit(api, user):
    statuses = [attempt(api, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(6)]
    assert statuses[-1] == 429


def test_rotating_usernames_does_not_escape_the_address_limit(api, user):
    statuses = [attempt(api, username=f"user{i}").status_code for i in range(6)]
    assert statuses[-1] == 429


def test_rotating_addresses_does_not_escape_the_username_limit(user):
    statuses = [attempt(APIClient(REMOTE_ADDR=f"127.0.0.{i + 2}", **HEADERS)).status_code for i in range(6)]
    assert statuses[-1] == 429


def test_trusted_proxy_makes_forwarded_client_count(user, auth):
    auth.TRUSTED_PROXIES = ["10.0.0.0/8"]
    clients = [APIClient(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}", **HEADERS) for i in range(6)]
    statuses = [attempt(client, username=f"user{i}").status_code for i, client in enumerate(clients)]
    assert 429 not in statuses


def test_invalid_trusted_proxies_setting_stops_with_its_name():
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        parse_networks(["10.0.0.0/8", "not-a-network"], "TRUSTED_PROXIES")


def test_throttled_login_is_a_security_event_with_the_client_address(api, user, security_events):
    for _ in range(6):
        attempt(api)
    events = [record for record in security_events() if record.event == "throttled"]
    assert events
    assert events[-1].client_ip == "127.0.0.1"
    assert events[-1].scope in ("login", "login_username")


# --- The user scope, read in the same cache round trip as authentication's reads -----------------


@pytest.fixture
def user_rate(monkeypatch):
    """A low ``user`` rate (DRF reads the rates once, at import, so the class is patched)."""
    monkeypatch.setattr(UserRateThrottle, "rate", "3/minute", raising=False)


def test_signed_in_user_is_limited_per_user_across_addresses(api, session, user_rate):
    statuses = [api.get(ME, REMOTE_ADDR=f"127.0.0.{i + 2}", **bearer(session.access)).status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_users_do_not_share_a_limit(api, session, other_user, user_rate):
    for _ in range(3):
        assert api.get(ME, **bearer(session.access)).status_code == 200
    other_client = APIClient(**HEADERS)
    other = start_bound_session(other_user, other_client)
    assert other_client.get(ME, **bearer(other.access)).status_code == 200
    assert api.get(ME, **bearer(session.access)).status_code == 429


@contextlib.contextmanager
def cache_reads():
    """Record the reads asked of the cache: ``("get", key)`` or ``("get_many", keys)``. A local-memory
    cache answers ``get_many`` with ``get`` calls of its own; those are part of one read."""
    reads, depth = [], 0
    real_get, real_get_many = cache.get, cache.get_many

    def get(key, *args, **kwargs):
        if depth == 0:
            reads.append(("get", key))
        return real_get(key, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        nonlocal depth
        reads.append(("get_many", list(keys)))
        depth += 1
        try:
            return real_get_many(keys, *args, **kwargs)
        finally:
            depth -= 1

    with mock.patch.object(cache, "get", get), mock.patch.object(cache, "get_many", get_many):
        yield reads


def test_an_authenticated_request_reads_the_cache_once(api, session):
    """Tamper counter, user throttle history and any access-token store entry in one ``get_many``;
    the throttle then only writes its history back."""
    api.get(ME, **bearer(session.access))  # the first request may fill caches; the second is measured
    with cache_reads() as reads:
        assert api.get(ME, **bearer(session.access)).status_code == 200
    [(kind, keys)] = reads
    assert kind == "get_many"
    assert throttle_history_key(UserRateThrottle.scope, session.user.pk) in keys
