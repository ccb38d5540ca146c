"""The mobile endpoints: tokens in the JSON body, no cookies, the web flow's session rules."""

from datetime import timedelta

import pytest

from authentication.conf import auth_settings
from authentication.features import client_bindings
from authentication.testing import PASSWORD, assert_error, bearer

pytestmark = pytest.mark.django_db

LOGIN = "/api/auth/mobile/login/"
REFRESH = "/api/auth/mobile/refresh/"
LOGOUT = "/api/auth/mobile/logout/"
ME = "/api/me/"


def app_headers(signed_in: dict) -> dict:
    """What the app sends with its tokens: each value a client binding gave it at sign-in, in the
    binding's header (none unless an app installs a binding)."""
    return {
        f"HTTP_{binding.header.upper().replace('-', '_')}": signed_in[binding.name] for binding in client_bindings()
    }


def sign_in(client, username="alice", password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password}, format="json")


def refresh(client, signed_in: dict, token: str):
    return client.post(REFRESH, {"refresh": token}, format="json", **app_headers(signed_in))


def me(client, signed_in: dict, access: str):
    return client.get(ME, **bearer(access), **app_headers(signed_in))


def assert_no_cookies(response):
    assert not response.cookies
    assert not response.has_header("Set-Cookie")


def test_login_returns_both_tokens_in_the_body_and_sets_no_cookie(bare_api, user):
    response = sign_in(bare_api)

    assert response.status_code == 200
    body = response.json()
    assert isinstance(body["access"], str)
    assert isinstance(body["refresh"], str)
    assert body["user"] == {"id": user.id, "username": "alice", "email": "alice@example.com", "email_verified": True}
    assert_no_cookies(response)
    assert "no-store" in response["Cache-Control"]


def test_mobile_access_token_opens_the_api(bare_api, user):
    signed_in = sign_in(bare_api).json()

    response = me(bare_api, signed_in, signed_in["access"])

    assert response.status_code == 200
    assert response.json()["username"] == "alice"


def test_wrong_password_gets_the_generic_401_and_no_cookie(bare_api, user):
    response = sign_in(bare_api, password="wrong-password")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid username or password.", "code": "invalid_credentials"}
    assert_no_cookies(response)


def test_refresh_rotates_the_refresh_token_in_the_body(bare_api, user):
    signed_in = sign_in(bare_api).json()

    response = refresh(bare_api, signed_in, signed_in["refresh"])

    assert response.status_code == 200
    rotated = response.json()
    assert rotated["refresh"] != signed_in["refresh"]
    assert rotated["access"] != signed_in["access"]
    assert rotated["user"]["username"] == "alice"
    assert_no_cookies(response)
    assert "no-store" in response["Cache-Control"]
    assert me(bare_api, signed_in, rotated["access"]).status_code == 200
    assert refresh(bare_api, signed_in, rotated["refresh"]).status_code == 200


def test_refresh_repeated_within_the_grace_window_returns_the_same_successor(bare_api, user):
    signed_in = sign_in(bare_api).json()

    first = refresh(bare_api, signed_in, signed_in["refresh"])
    retry = refresh(bare_api, signed_in, signed_in["refresh"])

    assert first.status_code == retry.status_code == 200
    assert retry.json()["refresh"] == first.json()["refresh"]
    assert refresh(bare_api, signed_in, first.json()["refresh"]).status_code == 200


def test_rotated_out_refresh_token_is_rejected_after_the_grace_window(bare_api, user, auth):
    auth.REFRESH_GRACE_PERIOD = timedelta(0)
    signed_in = sign_in(bare_api).json()
    assert refresh(bare_api, signed_in, signed_in["refresh"]).status_code == 200

    response = refresh(bare_api, signed_in, signed_in["refresh"])

    assert response.status_code == 401
    assert response.json()["code"] == "session_revoked"


# Revocation is announced after the database commits (caches listen), so these
# tests commit for real instead of running inside a rolled-back transaction.
@pytest.mark.django_db(transaction=True)
def test_replayed_refresh_token_revokes_the_whole_session(bare_api, user, auth):
    auth.REFRESH_GRACE_PERIOD = timedelta(0)
    signed_in = sign_in(bare_api).json()
    current = refresh(bare_api, signed_in, signed_in["refresh"]).json()
    assert me(bare_api, signed_in, current["access"]).status_code == 200

    replay = refresh(bare_api, signed_in, signed_in["refresh"])

    assert replay.status_code == 401
    assert refresh(bare_api, signed_in, current["refresh"]).status_code == 401
    after = me(bare_api, signed_in, current["access"])
    assert after.status_code == 401
    assert after.json()["code"] == "session_revoked"


@pytest.mark.django_db(transaction=True)
def test_logout_revokes_refresh_and_access_tokens(bare_api, user):
    signed_in = sign_in(bare_api).json()
    assert me(bare_api, signed_in, signed_in["access"]).status_code == 200

    response = bare_api.post(LOGOUT, {"refresh": signed_in["refresh"]}, format="json")

    assert response.status_code == 204
    assert_no_cookies(response)
    assert refresh(bare_api, signed_in, signed_in["refresh"]).status_code == 401
    assert me(bare_api, signed_in, signed_in["access"]).status_code == 401


def test_logout_is_idempotent(bare_api, user):
    signed_in = sign_in(bare_api).json()

    first = bare_api.post(LOGOUT, {"refresh": signed_in["refresh"]}, format="json")
    again = bare_api.post(LOGOUT, {"refresh": signed_in["refresh"]}, format="json")
    unknown = bare_api.post(LOGOUT, {"refresh": "not-a-token"}, format="json")

    assert first.status_code == again.status_code == unknown.status_code == 204


def test_refresh_with_a_garbage_token_is_401(bare_api):
    response = bare_api.post(REFRESH, {"refresh": "not-a-token"}, format="json")

    assert response.status_code == 401
    assert response.json() == {
        "detail": "Refresh token is invalid or expired. Sign in again.",
        "code": "refresh_invalid",
    }


def test_access_token_is_not_accepted_as_a_refresh_token(bare_api, user):
    signed_in = sign_in(bare_api).json()

    response = refresh(bare_api, signed_in, signed_in["access"])

    assert response.status_code == 401
    assert response.json()["code"] == "refresh_invalid"


def test_sixth_login_in_a_minute_is_throttled(bare_api, user):
    for _ in range(5):
        assert sign_in(bare_api, password="wrong-password").status_code == 401

    response = sign_in(bare_api)

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (LOGIN, []),
        (LOGIN, "alice"),
        (LOGIN, {}),
        (LOGIN, {"username": "alice"}),
        (LOGIN, {"password": PASSWORD}),
        (LOGIN, {"username": ["alice"], "password": PASSWORD}),
        (LOGIN, {"username": None, "password": PASSWORD}),
        (LOGIN, {"username": "alice", "password": {"value": PASSWORD}}),
        (LOGIN, {"username": "alice", "password": True}),
        (REFRESH, []),
        (REFRESH, "token"),
        (REFRESH, {}),
        (REFRESH, {"refresh": ""}),
        (REFRESH, {"refresh": ["token"]}),
        (REFRESH, {"refresh": None}),
        (REFRESH, {"refresh": {"token": "x"}}),
        (LOGOUT, []),
        (LOGOUT, {}),
        (LOGOUT, {"refresh": False}),
    ],
)
def test_bad_bodies_get_400_in_the_error_shape(bare_api, user, path, body):
    response = bare_api.post(path, body, format="json")

    assert response.status_code == 400
    error = response.json()
    assert set(error) == {"detail", "code", "fields"}
    assert error["code"] == "invalid_request"


@pytest.mark.parametrize("path", [LOGIN, REFRESH, LOGOUT])
def test_malformed_json_gets_400_in_the_error_shape(bare_api, path):
    response = bare_api.post(path, b'{"username": ', content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()) == {"detail", "code"}


def test_mobile_endpoints_never_read_the_web_refresh_cookie(api, login):
    assert login().status_code == 200
    assert auth_settings.REFRESH_COOKIE_NAME in api.cookies

    refreshed = api.post(REFRESH, {}, format="json")
    logged_out = api.post(LOGOUT, {}, format="json")

    assert refreshed.status_code == 400
    assert logged_out.status_code == 400
    assert api.post("/api/auth/refresh/").status_code == 200


def test_an_unverified_account_cannot_sign_in_from_an_app_either(bare_api, django_user_model):
    django_user_model.objects.create_user(username="carol", email="carol@example.com", password=PASSWORD)
    response = bare_api.post(LOGIN, {"username": "carol", "password": PASSWORD}, format="json")
    assert_error(response, 403, "email_unverified")
