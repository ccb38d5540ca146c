"""The web sign-in flow end to end: login, refresh, logout, verify, check and a protected endpoint."""

from datetime import timedelta

import pytest

from authentication.conf import auth_settings
from authentication.models import IssuedRefreshToken, Session
from authentication.testing import (
    LOGIN_URL,
    PASSWORD,
    assert_error,
    bearer,
)

pytestmark = pytest.mark.django_db


def refresh_cookie(response):
    return response.cookies[auth_settings.REFRESH_COOKIE_NAME]


def test_login_returns_access_token_and_user_in_body(login, user):
    response = login()
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access", "user"}
    assert body["user"] == {"id": user.id, "username": "alice", "email": "alice@example.com", "email_verified": True}
    assert "refresh" not in body


def test_login_puts_refresh_token_only_in_httponly_cookie(login):
    cookie = refresh_cookie(login())
    assert cookie.value
    assert cookie["httponly"]
    assert cookie["secure"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/api/auth/"
    assert int(cookie["max-age"]) == int(auth_settings.REFRESH_TOKEN_LIFETIME.total_seconds())


def test_login_responses_are_never_cached(login):
    assert "no-store" in login()["Cache-Control"]


def test_login_starts_a_new_session_each_time(login, user):
    login()
    login()
    assert Session.objects.filter(user=user, revoked_at__isnull=True).count() == 2


def test_wrong_password_gets_generic_401(login):
    response = login(password="wrong-password")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid username or password.", "code": "invalid_credentials"}
    assert auth_settings.REFRESH_COOKIE_NAME not in response.cookies


def test_unknown_user_gets_the_same_401_as_wrong_password(login, user):
    unknown = login(username="nobody")
    wrong = login(password="wrong-password")
    assert (unknown.status_code, unknown.json()) == (wrong.status_code, wrong.json())


def test_missing_fields_get_400(api):
    response = api.post("/api/auth/login/", {"username": "alice"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"
    assert "password" in response.json()["fields"]


def test_login_ignores_a_stale_bearer_header(api, login, user):
    """A client that still sends an old access token with its sign-in is not refused for it."""
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-token", HTTP_ORIGIN="https://app.example.test")
    response = api.post(
        "/api/auth/login/",
        {"username": "alice", "password": PASSWORD},
        format="json",
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 200


def test_refresh_rotates_cookie_and_returns_new_access(api, login):
    first = refresh_cookie(login()).value
    response = api.post("/api/auth/refresh/")
    assert response.status_code == 200
    assert set(response.json()) == {"access", "user"}
    second = refresh_cookie(response).value
    assert second and second != first
    assert "no-store" in response["Cache-Control"]


def test_rotated_out_refresh_token_is_rejected(api, login, auth):
    auth.REFRESH_GRACE_PERIOD = timedelta(0)
    old = refresh_cookie(login()).value
    assert api.post("/api/auth/refresh/").status_code == 200
    api.cookies[auth_settings.REFRESH_COOKIE_NAME] = old
    response = api.post("/api/auth/refresh/")
    assert response.status_code == 401
    assert refresh_cookie(response).value == ""  # cleared


def test_refresh_without_cookie_is_401(api, user):
    response = api.post("/api/auth/refresh/")
    assert response.status_code == 401
    assert response.json()["code"] == "refresh_missing"


def test_refresh_with_garbage_cookie_is_401_and_clears_it(api, user):
    api.cookies[auth_settings.REFRESH_COOKIE_NAME] = "garbage"
    response = api.post("/api/auth/refresh/")
    assert response.status_code == 401
    assert response.json()["code"] == "refresh_invalid"
    assert refresh_cookie(response)["max-age"] == 0


def test_refresh_ignores_an_expired_access_token_header(api, login):
    login()
    api.credentials(HTTP_AUTHORIZATION="Bearer expired.or.bogus")
    response = api.post(
        "/api/auth/refresh/", HTTP_ORIGIN="https://app.example.test", HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code == 200


def test_logout_with_only_the_cookie_revokes_session_and_clears_cookie(api, login, user):
    login()
    response = api.post("/api/auth/logout/")
    assert response.status_code == 204
    assert refresh_cookie(response)["max-age"] == 0
    assert not Session.objects.filter(user=user, revoked_at__isnull=True).exists()


def test_refresh_after_logout_fails(api, login):
    cookie = refresh_cookie(login()).value
    api.post("/api/auth/logout/")
    api.cookies[auth_settings.REFRESH_COOKIE_NAME] = cookie
    assert api.post("/api/auth/refresh/").status_code == 401


def test_logout_is_idempotent(api, login):
    login()
    assert api.post("/api/auth/logout/").status_code == 204
    assert api.post("/api/auth/logout/").status_code == 204


def test_access_token_is_rejected_after_logout(api, login):
    access = login().json()["access"]
    api.post("/api/auth/logout/")
    response = api.get("/api/me/", **bearer(access))
    assert response.status_code == 401
    assert response.json()["code"] == "session_revoked"


def test_verify_reports_the_user(api, session, user):
    response = api.get("/api/auth/verify/", **bearer(session.access))
    assert response.status_code == 200
    user_fields = {"id": user.id, "username": "alice", "email": user.email, "email_verified": True}
    assert response.json() == {"valid": True, "user": user_fields}


def test_verify_without_token_is_401(api):
    response = api.get("/api/auth/verify/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_check_says_valid_for_a_live_access_token(api, session):
    assert api.post("/api/auth/check/", {"token": session.access}, format="json").json() == {"valid": True}


def test_check_says_invalid_for_refresh_tokens_and_garbage(api, session):
    for token in (session.refresh, "garbage", session.access[:-3] + "abc"):
        assert api.post("/api/auth/check/", {"token": token}, format="json").json() == {"valid": False}


def test_check_without_token_is_400(api):
    response = api.post("/api/auth/check/", {}, format="json")
    assert response.status_code == 400
    assert "token" in response.json()["fields"]


def test_check_says_invalid_after_logout(api, login):
    access = login().json()["access"]
    api.post("/api/auth/logout/")
    assert api.post("/api/auth/check/", {"token": access}, format="json").json() == {"valid": False}


def test_me_returns_the_signed_in_user(api, session, user):
    response = api.get("/api/me/", **bearer(session.access))
    assert response.status_code == 200
    assert response.json()["username"] == "alice"


def test_each_refresh_records_its_successor(api, login, user):
    login()
    api.post("/api/auth/refresh/")
    session = Session.objects.get(user=user)
    records = IssuedRefreshToken.objects.filter(session=session)
    assert records.count() == 2
    assert records.filter(rotated_at__isnull=True).count() == 1
    assert records.get(rotated_at__isnull=False).successor == records.get(rotated_at__isnull=True)


def test_login_does_not_reveal_which_accounts_exist(api, user, django_user_model):
    """ASVS 5.0 6.3.8, OWASP Authentication Cheat Sheet (generic error messages): an unknown user, a wrong
    password and an inactive user look the same."""
    django_user_model.objects.create_user(username="carol", password=PASSWORD, is_active=False)
    attempts = [("nobody", PASSWORD), ("alice", "wrong-password-123"), ("carol", PASSWORD)]
    responses = [api.post(LOGIN_URL, {"username": u, "password": p}, format="json") for u, p in attempts]
    bodies = [assert_error(response, 401, "invalid_credentials") for response in responses]
    assert bodies[0] == bodies[1] == bodies[2]
    assert {response.get("WWW-Authenticate") for response in responses} == {responses[0].get("WWW-Authenticate")}
    assert all(auth_settings.REFRESH_COOKIE_NAME not in response.cookies for response in responses)
