"""Revocation reaches access tokens: after deactivation, deletion, a password change or a logout,
the session's access tokens are refused at once, not at their expiry (ASVS 5.0 7.4.1-7.4.3)."""

import pytest
from rest_framework.test import APIClient

from authentication.conf import auth_settings
from authentication.models import Session
from authentication.testing import (
    BROWSER_HEADERS,
    CHECK_URL,
    LOGOUT_URL,
    PASSWORD,
    PASSWORD_URL,
    REFRESH_URL,
    VERIFY_URL,
    assert_error,
    assert_rejected_access,
    bearer,
    claims_of,
    refresh_cookie,
)

pytestmark = pytest.mark.django_db


def session_of(refresh_token: str) -> Session:
    return Session.objects.get(pk=claims_of(refresh_token)["sid"])


def test_tokens_of_a_deactivated_user_are_rejected(api, user, access, commit_callbacks):
    """ASVS 5.0 7.4.2, RFC 8725 3.8: deactivating an account ends its sessions at once."""
    refresh = refresh_cookie(api)
    assert api.get(VERIFY_URL, **bearer(access)).status_code == 200
    user.is_active = False
    with commit_callbacks():
        user.save()
    assert_rejected_access(api, access, "session_revoked")
    assert_error(api.post(REFRESH_URL), 401)
    assert session_of(refresh).is_revoked


def test_tokens_of_a_deleted_user_are_rejected(api, user, access, commit_callbacks):
    """ASVS 5.0 7.4.2, RFC 8725 3.8: a deleted account's tokens name no valid subject."""
    assert api.get(VERIFY_URL, **bearer(access)).status_code == 200
    with commit_callbacks():
        user.delete()
    assert_rejected_access(api, access, "session_revoked")
    assert_error(api.post(REFRESH_URL), 401)


def test_tokens_from_before_a_password_change_are_rejected(api, login, access, commit_callbacks):
    """ASVS 5.0 7.4.3, RFC 9700 4.14.2: a password change ends every other session of the user."""
    other_device = APIClient(**BROWSER_HEADERS)
    other_access = login(client=other_device).data["access"]
    old_refresh = refresh_cookie(api)
    assert other_device.get(VERIFY_URL, **bearer(other_access)).status_code == 200
    with commit_callbacks():
        response = api.post(
            PASSWORD_URL,
            {"current_password": PASSWORD, "new_password": "a-brand-new-passphrase-42"},
            format="json",
            **bearer(access),
        )
    assert response.status_code == 200
    assert_rejected_access(api, access, "session_revoked")
    assert_rejected_access(other_device, other_access, "session_revoked")
    assert_error(other_device.post(REFRESH_URL), 401)
    api.cookies[auth_settings.REFRESH_COOKIE_NAME] = old_refresh
    assert_error(api.post(REFRESH_URL), 401)
    assert api.get(VERIFY_URL, **bearer(response.data["access"])).status_code == 200


def test_access_token_is_rejected_at_once_after_logout(api, access, commit_callbacks):
    """ASVS 5.0 7.4.1, ASVS 4.0.3 3.3.1: logout ends the session's access tokens, not only its refresh token."""
    assert api.get(VERIFY_URL, **bearer(access)).status_code == 200
    assert api.post(CHECK_URL, {"token": access}, format="json").json() == {"valid": True}
    with commit_callbacks():
        assert api.post(LOGOUT_URL).status_code == 204
    assert_rejected_access(api, access, "session_revoked")
