"""``X-New-Access-Token``: a fresh access token on successful responses near expiry, and only then."""

from datetime import timedelta

import pytest

from authentication import token_service
from authentication.conf import auth_settings
from authentication.testing import (
    ME_URL,
    ORIGIN,
    PASSWORD,
    PASSWORD_URL,
    SILENT_REFRESH_HEADER,
    VERIFY_URL,
    bearer,
    start_bound_session,
)

pytestmark = pytest.mark.django_db

HEADER = SILENT_REFRESH_HEADER


@pytest.fixture
def nearly_expired(user, api, auth):
    """A session whose access token has less time left than the silent-refresh threshold."""
    auth.ACCESS_TOKEN_LIFETIME = auth_settings.SILENT_REFRESH_THRESHOLD / 2
    return start_bound_session(user, api)


def test_header_appears_outside_auth_paths_when_token_is_near_expiry(api, nearly_expired):
    response = api.get("/api/me/", **bearer(nearly_expired.access))
    assert response.status_code == 200
    assert response[HEADER]
    assert response[HEADER] != nearly_expired.access
    assert "no-store" in response["Cache-Control"]


def test_renewed_token_works_and_belongs_to_the_same_session(
    api, nearly_expired, django_capture_on_commit_callbacks, auth
):
    renewed = api.get("/api/me/", **bearer(nearly_expired.access))[HEADER]
    auth.ACCESS_TOKEN_LIFETIME = timedelta(minutes=15)
    response = api.get("/api/me/", **bearer(renewed))
    assert response.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # caches hear of revocations after commit
        token_service.revoke_user_sessions(nearly_expired.user, "test")
    assert api.get("/api/me/", **bearer(renewed)).status_code == 401


def test_no_header_when_token_has_time_left(api, session):
    assert HEADER not in api.get("/api/me/", **bearer(session.access))


def test_no_header_for_a_revoked_session(api, nearly_expired):
    token_service.revoke_user_sessions(nearly_expired.user, "test")
    response = api.get("/api/me/", **bearer(nearly_expired.access))
    assert response.status_code == 401
    assert HEADER not in response


def test_header_is_exposed_to_the_allowed_frontend_origin(api, nearly_expired):
    response = api.get("/api/me/", HTTP_ORIGIN=ORIGIN, **bearer(nearly_expired.access))
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert HEADER in response["Access-Control-Expose-Headers"]


def test_password_change_response_carries_no_header_for_the_ended_session(api, nearly_expired):
    response = api.post(
        "/api/auth/password/",
        {"current_password": PASSWORD, "new_password": "a-brand-new-passphrase-42"},
        format="json",
        **bearer(nearly_expired.access),
    )
    assert response.status_code == 200
    assert HEADER not in response


@pytest.fixture
def expiring_access(login, auth) -> str:
    """An access token that expires within the silent-refresh threshold."""
    auth.ACCESS_TOKEN_LIFETIME = timedelta(minutes=2)
    auth.SILENT_REFRESH_THRESHOLD = timedelta(minutes=5)
    return login().data["access"]


@pytest.mark.parametrize(
    "call",
    [
        lambda api, token: api.post(PASSWORD_URL, {"current_password": "x"}, format="json", **bearer(token)),
        lambda api, token: api.post(
            PASSWORD_URL,
            {"current_password": "wrong", "new_password": "n3w-passphrase!"},
            format="json",
            **bearer(token),
        ),
        lambda api, token: api.post(VERIFY_URL, **bearer(token)),
        lambda api, token: api.delete(ME_URL, **bearer(token)),
    ],
    ids=["400-invalid-body", "400-wrong-password", "405-on-verify", "405-on-me"],
)
def test_silent_refresh_header_never_on_error_responses(api, expiring_access, call):
    """ASVS 5.0 10.1.1: a failed request never carries a new access token."""
    response = call(api, expiring_access)
    assert 400 <= response.status_code < 500
    assert SILENT_REFRESH_HEADER not in response
