"""Refresh rotation, reuse detection, the grace window, the absolute session cap and logout
(RFC 9700 4.14.2, ASVS 5.0 10.4.5, 10.4.8, 15.4.2)."""

import time
from datetime import timedelta

import pytest
from django.db.models import F
from rest_framework.test import APIClient

from authentication.conf import auth_settings
from authentication.models import IssuedRefreshToken, Session
from authentication.testing import (
    LOGOUT_URL,
    ORIGIN,
    REFRESH_URL,
    VERIFY_URL,
    assert_cookie_cleared,
    assert_error,
    assert_rejected_access,
    bearer,
    claims_of,
    events,
    refresh_cookie,
    signed_with_our_key,
)

pytestmark = pytest.mark.django_db


def session_of(refresh_token: str) -> Session:
    return Session.objects.get(pk=claims_of(refresh_token)["sid"])


def copy_cookies(source: APIClient, target: APIClient) -> APIClient:
    for name, morsel in source.cookies.items():
        target.cookies[name] = morsel.value
    return target


def age_rotation(refresh_token: str, by: timedelta) -> None:
    """Move the first rotation of ``refresh_token`` back in time, as if ``by`` had passed."""
    jti = claims_of(refresh_token)["jti"]
    assert IssuedRefreshToken.objects.filter(jti=jti).update(rotated_at=F("rotated_at") - by) == 1


@pytest.fixture
def claims(access) -> dict:
    return claims_of(access)


def test_refresh_rotates_the_cookie_with_hardened_flags(api, access):
    """ASVS 5.0 3.3.1 and 3.3.4, ASVS 4.0.3 3.4.1-3.4.5, RFC 9700 4.14.2: a new HttpOnly, Secure, narrow cookie."""
    old = refresh_cookie(api)
    response = api.post(REFRESH_URL)
    assert response.status_code == 200
    assert auth_settings.REFRESH_COOKIE_NAME.startswith(("__Secure-", "__Host-"))
    morsel = response.cookies[auth_settings.REFRESH_COOKIE_NAME]
    assert morsel.value not in ("", old)
    assert morsel["httponly"] is True
    assert morsel["secure"] is True
    assert morsel["samesite"] == "Lax"
    assert morsel["path"] == "/api/auth/"
    lifetime = auth_settings.REFRESH_TOKEN_LIFETIME.total_seconds()
    assert lifetime - 5 <= int(morsel["max-age"]) <= lifetime
    assert claims_of(morsel.value)["jti"] != claims_of(old)["jti"]
    assert claims_of(morsel.value)["sid"] == claims_of(old)["sid"]
    assert "no-store" in response["Cache-Control"]
    assert morsel.value not in response.content.decode()
    assert api.get(VERIFY_URL, **bearer(response.data["access"])).status_code == 200


def test_rotated_out_refresh_token_is_rejected_after_the_grace_window(api, access, auth):
    """ASVS 5.0 10.4.5: a refresh token is invalid once used."""
    auth.REFRESH_GRACE_PERIOD = timedelta(0)
    old = refresh_cookie(api)
    assert api.post(REFRESH_URL).status_code == 200
    api.cookies[auth_settings.REFRESH_COOKIE_NAME] = old
    response = api.post(REFRESH_URL)
    assert_error(response, 401)
    assert_cookie_cleared(response)


def test_reused_refresh_token_revokes_the_session(api, access, security_events, commit_callbacks):
    """RFC 9700 4.14.2, ASVS 5.0 10.4.5: replaying a rotated token revokes the live refresh and access tokens."""
    old = refresh_cookie(api)
    rotated = api.post(REFRESH_URL)
    current_refresh, current_access = refresh_cookie(api), rotated.data["access"]
    assert api.get(VERIFY_URL, **bearer(current_access)).status_code == 200
    age_rotation(old, auth_settings.REFRESH_GRACE_PERIOD + timedelta(seconds=1))

    api.cookies[auth_settings.REFRESH_COOKIE_NAME] = old
    with commit_callbacks():
        response = api.post(REFRESH_URL)
    assert_error(response, 401, "session_revoked")
    assert_cookie_cleared(response)
    session = session_of(old)
    assert session.is_revoked
    assert session.revoke_reason == "reuse_detected"
    assert events(security_events, "refresh_reuse_detected")

    api.cookies[auth_settings.REFRESH_COOKIE_NAME] = current_refresh
    assert_error(api.post(REFRESH_URL), 401, "session_revoked")
    assert_rejected_access(api, current_access, "session_revoked")
    assert_rejected_access(api, access, "session_revoked")


def test_repeat_within_the_grace_window_gets_the_same_successor(api, access):
    """ASVS 5.0 15.4.2: two tabs refreshing at once share one successor; the session is not forked or revoked."""
    old = refresh_cookie(api)
    first = api.post(REFRESH_URL)
    successor = refresh_cookie(api)
    api.cookies[auth_settings.REFRESH_COOKIE_NAME] = old
    repeat = api.post(REFRESH_URL)
    assert repeat.status_code == 200
    assert claims_of(refresh_cookie(api))["jti"] == claims_of(successor)["jti"]
    session = session_of(old)
    assert not session.is_revoked
    assert session.refresh_tokens.filter(rotated_at__isnull=True).count() == 1
    for response in (first, repeat):
        assert api.get(VERIFY_URL, **bearer(response.data["access"])).status_code == 200
    assert api.post(REFRESH_URL).status_code == 200


def test_grace_window_counts_from_the_first_rotation(api, access, auth):
    """ASVS 5.0 10.4.5: the grace window is absolute; a repeat inside it does not extend it."""
    auth.REFRESH_GRACE_PERIOD = timedelta(seconds=10)
    old = refresh_cookie(api)
    assert api.post(REFRESH_URL).status_code == 200
    age_rotation(old, timedelta(seconds=8))
    api.cookies[auth_settings.REFRESH_COOKIE_NAME] = old
    assert api.post(REFRESH_URL).status_code == 200
    age_rotation(old, timedelta(seconds=4))
    api.cookies[auth_settings.REFRESH_COOKIE_NAME] = old
    assert_error(api.post(REFRESH_URL), 401, "session_revoked")
    assert session_of(old).is_revoked


def test_refresh_never_outlives_the_absolute_session_cap(api, login, auth):
    """ASVS 5.0 10.4.8, ASVS 4.0.3 3.3.2: sliding refreshes never extend a session past its absolute lifetime."""
    auth.SESSION_ABSOLUTE_LIFETIME = timedelta(seconds=60)
    assert login().status_code == 200
    session = session_of(refresh_cookie(api))
    cap = session.absolute_expires_at.timestamp()
    for _ in range(3):
        response = api.post(REFRESH_URL)
        assert response.status_code == 200
        assert claims_of(refresh_cookie(api))["exp"] <= cap
        assert 0 < int(response.cookies[auth_settings.REFRESH_COOKIE_NAME]["max-age"]) <= 60


def test_session_ends_at_its_absolute_cap(api, login, auth):
    """ASVS 5.0 10.4.8: once the absolute lifetime has passed, neither refresh nor access works."""
    auth.SESSION_ABSOLUTE_LIFETIME = timedelta(seconds=1)
    access = login().data["access"]
    assert api.get(VERIFY_URL, **bearer(access)).status_code == 200
    time.sleep(1.1)
    response = api.post(REFRESH_URL)
    assert_error(response, 401)
    assert_cookie_cleared(response)
    assert_error(api.get(VERIFY_URL, **bearer(access)), 401)


def test_logout_revokes_the_session_and_clears_the_cookie(api, access, security_events):
    """ASVS 5.0 7.4.1, RFC 9700 4.14.2: logout revokes the whole session and removes the cookie."""
    refresh = refresh_cookie(api)
    response = api.post(LOGOUT_URL)
    assert response.status_code == 204
    assert_cookie_cleared(response)
    session = session_of(refresh)
    assert session.is_revoked
    assert session.revoke_reason == "logout"
    assert events(security_events, "logout")


def test_logout_works_with_only_the_cookie_and_an_expired_access_token(api, claims):
    """ASVS 5.0 7.4.1: an expired access token does not block a logout, which needs only the cookie."""
    refresh = refresh_cookie(api)
    now = int(time.time())
    expired = signed_with_our_key({**claims, "iat": now - 3600, "exp": now - 60})
    response = api.post(LOGOUT_URL, **bearer(expired))
    assert response.status_code == 204
    assert session_of(refresh).is_revoked


def test_logout_is_idempotent(api, access):
    """ASVS 4.0.3 3.3.1: logging out twice, or without a cookie, is not an error."""
    refresh = refresh_cookie(api)
    assert api.post(LOGOUT_URL).status_code == 204
    api.cookies[auth_settings.REFRESH_COOKIE_NAME] = refresh
    assert api.post(LOGOUT_URL).status_code == 204
    del api.cookies[auth_settings.REFRESH_COOKIE_NAME]
    assert api.post(LOGOUT_URL).status_code == 204
    api.cookies[auth_settings.REFRESH_COOKIE_NAME] = "not-a-token"
    assert api.post(LOGOUT_URL).status_code == 204


def test_refresh_after_logout_fails_and_clears_the_cookie(api, access):
    """ASVS 4.0.3 3.3.1: a logged-out session cannot be resumed with its old refresh token."""
    before_logout = copy_cookies(api, APIClient(HTTP_ORIGIN=ORIGIN, HTTP_X_REQUESTED_WITH="XMLHttpRequest"))
    assert api.post(LOGOUT_URL).status_code == 204
    response = before_logout.post(REFRESH_URL)
    assert_error(response, 401, "session_revoked")
    assert_cookie_cleared(response)
