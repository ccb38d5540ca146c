"""Password change ends every session and starts a fresh one for this client (ASVS 5.0 7.4.3)."""

import pytest

from authentication import token_service
from authentication.conf import auth_settings
from authentication.testing import PASSWORD, bearer

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-42"


def change(api, access, current=PASSWORD, new=NEW_PASSWORD):
    return api.post(
        "/api/auth/password/", {"current_password": current, "new_password": new}, format="json", **bearer(access)
    )


def test_password_change_returns_fresh_tokens(api, login, user):
    access = login().json()["access"]
    response = change(api, access)
    assert response.status_code == 200
    assert response.json()["access"] != access
    assert response.cookies[auth_settings.REFRESH_COOKIE_NAME].value
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_change_revokes_every_other_session(api, login, user, django_capture_on_commit_callbacks):
    other = token_service.start_session(user)
    access = login().json()["access"]
    with django_capture_on_commit_callbacks(execute=True):  # caches hear of revocations after commit
        change(api, access)
    assert api.get("/api/me/", **bearer(other.access)).status_code == 401
    assert api.get("/api/me/", **bearer(access)).status_code == 401


def test_new_tokens_work_after_password_change(api, login):
    access = login().json()["access"]
    new_access = change(api, access).json()["access"]
    assert api.get("/api/me/", **bearer(new_access)).status_code == 200
    assert api.post("/api/auth/refresh/").status_code == 200


def test_wrong_current_password_is_400_and_changes_nothing(api, login, user):
    access = login().json()["access"]
    response = change(api, access, current="not-my-password")
    assert response.status_code == 400
    assert "current_password" in response.json()["fields"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert api.get("/api/me/", **bearer(access)).status_code == 200


def test_weak_new_password_is_rejected_by_django_validators(api, login, user):
    access = login().json()["access"]
    response = change(api, access, new="123")
    assert response.status_code == 400
    assert "new_password" in response.json()["fields"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_requires_authentication(api, user):
    response = api.post("/api/auth/password/", {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 401


def test_password_set_outside_the_api_ends_every_session(api, session, user, django_capture_on_commit_callbacks):
    """ASVS 5.0 7.4.3: the admin or ``manage.py changepassword`` ends sessions too."""
    with django_capture_on_commit_callbacks(execute=True):
        user.set_password(NEW_PASSWORD)
        user.save()
    assert api.get("/api/me/", **bearer(session.access)).status_code == 401


def test_saving_a_user_without_a_new_password_keeps_sessions(api, session, user):
    user.first_name = "Alice"
    user.save()
    assert api.get("/api/me/", **bearer(session.access)).status_code == 200
