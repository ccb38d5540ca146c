"""Errors that say what went wrong: the method, the path, the body size, the field, the missing
CSRF requirement. Every one in the JSON error shape, with DEBUG on or off, never an HTML page."""

import pytest
from django.test import Client

from authentication.testing import ORIGIN, bearer

pytestmark = pytest.mark.django_db

COOKIE_ENDPOINTS = ["/api/auth/login/", "/api/auth/refresh/", "/api/auth/logout/"]
POST_ONLY = [*COOKIE_ENDPOINTS, "/api/auth/check/", "/api/auth/password/"]


def assert_json_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.mark.parametrize("url", POST_ONLY)
@pytest.mark.parametrize("method", ["get", "put", "delete", "trace"])
def test_unsupported_method_gets_405_before_any_other_check(bare_api, url, method):
    """No Origin, no CSRF header, no token: the method is still what the answer is about."""
    response = getattr(bare_api, method)(url)
    assert_json_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "POST, OPTIONS"


def test_get_on_a_protected_endpoint_with_the_wrong_method_is_405_not_401(bare_api):
    response = bare_api.post("/api/me/")
    assert_json_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("value", [123, 1.5, True, ["token"], {"token": "x"}], ids=str)
def test_check_refuses_a_token_that_is_not_a_string(api, value):
    body = assert_json_error(api.post("/api/auth/check/", {"token": value}, format="json"), 400, "invalid_request")
    assert body["fields"] == {"token": ["Not a valid string."]}


@pytest.mark.parametrize("field", ["username", "password"])
def test_login_refuses_credentials_that_are_not_strings(api, user, field):
    data = {"username": "alice", "password": "x", field: 12345}
    body = assert_json_error(api.post("/api/auth/login/", data, format="json"), 400, "invalid_request")
    assert body["fields"] == {field: ["Not a valid string."]}


@pytest.mark.parametrize("url", COOKIE_ENDPOINTS)
def test_csrf_refusal_names_the_missing_header(bare_api, url):
    body = assert_json_error(bare_api.post(url, {}, format="json", HTTP_ORIGIN=ORIGIN), 403, "csrf_failed")
    assert "X-Requested-With: XMLHttpRequest header is missing" in body["detail"]
    assert "origin" not in body["detail"].split(":", 1)[1].lower()


@pytest.mark.parametrize("url", COOKIE_ENDPOINTS)
def test_csrf_refusal_names_the_origin_that_is_not_allowed(bare_api, url):
    response = bare_api.post(
        url, {}, format="json", HTTP_ORIGIN="https://evil.example", HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    body = assert_json_error(response, 403, "csrf_failed")
    assert "https://evil.example is not an allowed origin" in body["detail"]
    assert "header" not in body["detail"]


def test_csrf_refusal_names_every_requirement_that_failed(bare_api):
    body = assert_json_error(bare_api.post("/api/auth/refresh/"), 403, "csrf_failed")
    assert "no Origin (or Referer) header" in body["detail"]
    assert "X-Requested-With: XMLHttpRequest header is missing" in body["detail"]


def test_unknown_api_path_gets_json_404(client, debug):
    response = client.get("/api/does-not-exist/")
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
    assert response.status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unknown_api_path_gets_json_404_for_unsafe_methods_too(method, debug):
    """Django's CSRF check would answer an unsafe method on a plain view with its HTML 403 page."""
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "x" * 32
    response = getattr(client, method)("/api/auth/sessions/not-a-session-id/")
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_missing_trailing_slash_gets_a_404_that_says_so(api, debug):
    """Django's APPEND_SLASH would answer this POST with an HTML error (a 500 with DEBUG on)."""
    body = assert_json_error(api.post("/api/auth/login", {}, format="json"), 404, "not_found")
    assert "/api/auth/login/" in body["detail"]


def test_oversized_body_gets_413(api, access_token_for_alice, debug, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = b'{"current_password": "' + b"x" * 4096 + b'", "new_password": "y"}'
    response = api.post("/api/auth/password/", body, content_type="application/json", **bearer(access_token_for_alice))
    assert_json_error(response, 413, "body_too_large")


def test_oversized_login_body_gets_413_and_no_throttle_alert(api, debug, settings, security_events):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = b'{"username": "' + b"a" * 4096 + b'", "password": "x"}'
    assert_json_error(api.post("/api/auth/login/", body, content_type="application/json"), 413, "body_too_large")
    assert not [record for record in security_events() if record.event == "throttle_unavailable"]


@pytest.fixture
def access_token_for_alice(login):
    return login().data["access"]
