"""Cross-site requests: the cookie endpoints require an allowed Origin and the custom header
whatever the SameSite value (ASVS 5.0 3.5.1), and CORS grants only the listed origins (3.4.2)."""

import pytest
from rest_framework.test import APIClient

from authentication.conf import auth_settings
from authentication.models import Session
from authentication.testing import (
    LOGIN_URL,
    LOGOUT_URL,
    ORIGIN,
    PASSWORD,
    REFRESH_URL,
    SILENT_REFRESH_HEADER,
    VERIFY_URL,
    assert_error,
    bearer,
    claims_of,
    refresh_cookie,
)

pytestmark = pytest.mark.django_db

CROSS_SITE_ORIGIN = "https://evil.example.net"


def session_of(refresh_token: str) -> Session:
    return Session.objects.get(pk=claims_of(refresh_token)["sid"])


def copy_cookies(source: APIClient, target: APIClient) -> APIClient:
    for name, morsel in source.cookies.items():
        target.cookies[name] = morsel.value
    return target


COOKIE_ENDPOINTS = [LOGIN_URL, REFRESH_URL, LOGOUT_URL]


def cookie_endpoint_call(client, url: str):
    if url == LOGIN_URL:
        return client.post(url, {"username": "alice", "password": PASSWORD}, format="json")
    return client.post(url)


@pytest.mark.parametrize("url", COOKIE_ENDPOINTS)
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": ORIGIN},
        {"HTTP_ORIGIN": ORIGIN, "HTTP_X_REQUESTED_WITH": "fetch"},
        {"HTTP_ORIGIN": CROSS_SITE_ORIGIN, "HTTP_X_REQUESTED_WITH": "XMLHttpRequest"},
        {"HTTP_ORIGIN": "null", "HTTP_X_REQUESTED_WITH": "XMLHttpRequest"},
        {"HTTP_ORIGIN": CROSS_SITE_ORIGIN, "HTTP_REFERER": f"{ORIGIN}/", "HTTP_X_REQUESTED_WITH": "XMLHttpRequest"},
        {"HTTP_REFERER": f"{CROSS_SITE_ORIGIN}/", "HTTP_X_REQUESTED_WITH": "XMLHttpRequest"},
        {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"},
        {"HTTP_ORIGIN": ORIGIN + ".evil.example", "HTTP_X_REQUESTED_WITH": "XMLHttpRequest"},
    ],
    ids=[
        "no-custom-header",
        "wrong-custom-header",
        "cross-site-origin",
        "null-origin",
        "cross-site-origin-allowed-referer",
        "cross-site-referer",
        "no-origin-no-referer",
        "suffixed-origin",
    ],
)
def test_cross_site_request_to_a_cookie_endpoint_is_rejected(api, access, url, headers):
    """ASVS 5.0 3.5.1, OWASP CSRF Prevention Cheat Sheet (login CSRF), OWASP JWT Cheat Sheet (token storage):
    an allowed Origin and the custom header are both required."""
    refresh = refresh_cookie(api)
    response = cookie_endpoint_call(copy_cookies(api, APIClient(**headers)), url)
    assert_error(response, 403, "csrf_failed")
    assert auth_settings.REFRESH_COOKIE_NAME not in response.cookies
    assert not session_of(refresh).is_revoked


@pytest.mark.parametrize("url", COOKIE_ENDPOINTS)
def test_allowed_referer_stands_in_for_a_missing_origin(api, access, url):
    """ASVS 5.0 3.5.1: without ``Origin``, an allowed ``Referer`` with the custom header is same-site."""
    client = copy_cookies(api, APIClient(HTTP_REFERER=f"{ORIGIN}/dashboard", HTTP_X_REQUESTED_WITH="XMLHttpRequest"))
    assert cookie_endpoint_call(client, url).status_code in (200, 204)


@pytest.mark.parametrize("url", COOKIE_ENDPOINTS)
def test_cross_site_defence_holds_with_samesite_none(api, access, url, auth):
    """OWASP CSRF Prevention Cheat Sheet (SameSite): with ``SameSite=None`` (cross-site deployments) the
    checks still apply."""
    auth.REFRESH_COOKIE_SAMESITE = "None"
    cross_site = copy_cookies(api, APIClient(HTTP_ORIGIN=CROSS_SITE_ORIGIN, HTTP_X_REQUESTED_WITH="XMLHttpRequest"))
    assert_error(cookie_endpoint_call(cross_site, url), 403, "csrf_failed")
    response = cookie_endpoint_call(api, url)
    assert response.status_code in (200, 204)
    if url != LOGOUT_URL:
        morsel = response.cookies[auth_settings.REFRESH_COOKIE_NAME]
        assert morsel["samesite"] == "None"
        assert morsel["secure"] is True


# --- CORS ----------------------------------------------------------------------------------


def test_allowed_origin_is_echoed_with_credentials_and_exposed_headers(api, access):
    """ASVS 5.0 3.4.2: the allowed origin is echoed, credentials allowed, the renewal header exposed."""
    response = api.get(VERIFY_URL, **bearer(access))
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert response["Access-Control-Allow-Credentials"] == "true"
    exposed = [name.strip().lower() for name in response["Access-Control-Expose-Headers"].split(",")]
    assert SILENT_REFRESH_HEADER.lower() in exposed


def test_preflight_from_the_allowed_origin_permits_the_custom_header(bare_api):
    """ASVS 5.0 3.5.2: the browser client's preflight for the cookie endpoints succeeds."""
    response = bare_api.options(
        REFRESH_URL,
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-requested-with, content-type",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert "x-requested-with" in response["Access-Control-Allow-Headers"].lower()


@pytest.mark.parametrize("origin", [CROSS_SITE_ORIGIN, "null", "http://localhost:3000", ORIGIN + ".evil.example"])
def test_disallowed_origin_gets_no_cors_grant(bare_api, origin):
    """ASVS 4.0.3 14.5.3, ASVS 5.0 3.4.2: no echo, no wildcard, no ``null`` for origins not listed."""
    for response in (
        bare_api.get(VERIFY_URL, HTTP_ORIGIN=origin),
        bare_api.options(REFRESH_URL, HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"),
    ):
        assert "Access-Control-Allow-Origin" not in response
        assert "Access-Control-Allow-Credentials" not in response


def test_cors_never_answers_with_a_wildcard(api, bare_api, access):
    """ASVS 4.0.3 14.5.3: credentials are never combined with ``*``."""
    responses = [
        api.get(VERIFY_URL, **bearer(access)),
        api.post(REFRESH_URL),
        bare_api.get(VERIFY_URL, HTTP_ORIGIN="*"),
        bare_api.options(LOGIN_URL, HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"),
    ]
    for response in responses:
        assert response.get("Access-Control-Allow-Origin") != "*"
