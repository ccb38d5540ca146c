"""The IP allowlist: only listed networks reach the API, judged by an address the client cannot forge.

The middleware reads ``IP_ALLOWLIST`` when the handler starts, so tests that change it build a
fresh client after the change.
"""

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.wsgi import WSGIHandler
from rest_framework.test import APIClient

from authentication.client_address import in_networks, parse_networks
from authentication.testing import ORIGIN, PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/api/auth/login/"
OUTSIDE = "203.0.113.7"
DENIED = {"detail": "Access from this address is not allowed.", "code": "ip_not_allowed"}


def browser() -> APIClient:
    return APIClient(HTTP_ORIGIN=ORIGIN, HTTP_X_REQUESTED_WITH="XMLHttpRequest")


def sign_in(client: APIClient, **extra):
    return client.post(LOGIN, {"username": "alice", "password": PASSWORD}, format="json", **extra)


@pytest.fixture
def behind_proxy(settings, auth):
    """A deployment behind our own proxies in 10.0.0.0/8, allowing one office network."""
    auth.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.IP_ALLOWLIST = ["198.51.100.0/24"]
    return browser()


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.9.10", "::1"])
def test_requests_from_an_allowed_address_pass(api, user, address):
    response = sign_in(api, REMOTE_ADDR=address)

    assert response.status_code == 200


@pytest.mark.parametrize("address", [OUTSIDE, "10.0.0.1", "2001:db8::1"])
def test_requests_from_outside_get_403_and_a_security_event(api, user, security_events, address):
    response = sign_in(api, REMOTE_ADDR=address)

    assert response.status_code == 403
    assert response.json() == DENIED
    denied = [record for record in security_events() if record.event == "ip_denied"]
    assert len(denied) == 1
    assert denied[0].levelno == logging.WARNING
    assert denied[0].client_ip == address
    assert denied[0].path == LOGIN


def test_denied_requests_never_reach_the_view(api, user, security_events):
    sign_in(api, REMOTE_ADDR=OUTSIDE)

    events = [record.event for record in security_events()]
    assert "login_succeeded" not in events
    assert "login_failed" not in events


def test_denial_is_readable_by_the_allowed_frontend(api, user):
    response = sign_in(api, REMOTE_ADDR=OUTSIDE)

    assert response.status_code == 403
    assert response["Access-Control-Allow-Origin"] == ORIGIN


def test_denied_api_paths_include_authenticated_ones(api):
    response = api.get("/api/me/", REMOTE_ADDR=OUTSIDE)

    assert response.status_code == 403
    assert response.json() == DENIED


def test_forged_forwarded_for_from_an_untrusted_peer_is_ignored(api, user, security_events):
    response = sign_in(api, REMOTE_ADDR=OUTSIDE, HTTP_X_FORWARDED_FOR="127.0.0.1")

    assert response.status_code == 403
    assert [record.client_ip for record in security_events() if record.event == "ip_denied"] == [OUTSIDE]


def test_forwarded_for_is_ignored_when_no_proxy_is_trusted(user, settings):
    settings.IP_ALLOWLIST = ["198.51.100.0/24"]

    response = sign_in(browser(), REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="198.51.100.20")

    assert response.status_code == 403


@pytest.mark.parametrize(
    "forwarded_for",
    [
        "198.51.100.20",
        "198.51.100.20, 10.0.0.5",
        "203.0.113.99, 198.51.100.20",
        "not-an-address, 198.51.100.20, 10.9.9.9",
    ],
)
def test_behind_trusted_proxies_an_allowed_rightmost_untrusted_hop_passes(behind_proxy, user, forwarded_for):
    response = sign_in(behind_proxy, REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR=forwarded_for)

    assert response.status_code == 200


@pytest.mark.parametrize(
    "forwarded_for",
    [
        OUTSIDE,
        f"198.51.100.20, {OUTSIDE}",
        f"127.0.0.1, {OUTSIDE}, 10.0.0.5",
        "198.51.100.20, not-an-address",
        "",
    ],
)
def test_behind_trusted_proxies_a_disallowed_rightmost_untrusted_hop_is_denied(behind_proxy, user, forwarded_for):
    response = sign_in(behind_proxy, REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR=forwarded_for)

    assert response.status_code == 403
    assert response.json() == DENIED


def test_an_untrusted_peer_cannot_pose_as_a_proxy(behind_proxy, user):
    response = sign_in(behind_proxy, REMOTE_ADDR=OUTSIDE, HTTP_X_FORWARDED_FOR="198.51.100.20")

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("address", "status"),
    [("2001:db8:1::42", 200), ("2001:db8:ffff::1", 200), ("2001:db9::1", 403), ("127.0.0.1", 403)],
)
def test_ipv6_ranges_are_honoured(user, settings, address, status):
    settings.IP_ALLOWLIST = ["2001:db8::/32"]

    assert sign_in(browser(), REMOTE_ADDR=address).status_code == status


def test_health_check_is_not_guarded(client):
    response = client.get("/healthz", REMOTE_ADDR=OUTSIDE)

    assert response.status_code == 200


def test_admin_is_not_guarded(client):
    response = client.get("/admin/login/", REMOTE_ADDR=OUTSIDE)

    assert response.status_code == 200


@pytest.mark.parametrize("network", ["10.0.0.0/33", "not-a-network", "2001:db8::/129", "300.1.2.3"])
def test_an_invalid_network_stops_start_up(settings, network):
    settings.IP_ALLOWLIST = ["127.0.0.0/8", network]

    with pytest.raises(ImproperlyConfigured, match="IP_ALLOWLIST"):
        WSGIHandler()


def test_ipv4_client_seen_through_a_dual_stack_socket_is_matched_as_ipv4():
    networks = parse_networks(["127.0.0.0/8"], "IP_ALLOWLIST")
    assert in_networks("::ffff:127.0.0.1", networks)
    assert not in_networks("::ffff:203.0.113.7", networks)
