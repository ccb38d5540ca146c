"""Login throttling per client address and per username, immune to forged X-Forwarded-For (SPEC 3.4)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework.test import APIClient

from authentication.client_address import parse_networks

from .conftest import ORIGIN

pytestmark = pytest.mark.django_db

HEADERS = {"HTTP_ORIGIN": ORIGIN, "HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


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


def test_rotating_addresses_does_not_escape_the_username_limit(user, settings):
    statuses = [attempt(APIClient(REMOTE_ADDR=f"127.0.0.{i + 2}", **HEADERS)).status_code for i in range(6)]
    assert statuses[-1] == 429


def test_trusted_proxy_makes_forwarded_client_count(user, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
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
