"""A user's sessions through the API: listed with device, address and which is this one; ended one
at a time or all others (with re-authentication); never another user's (ASVS 5.0 7.4.5, 7.5.2)."""

import time
import uuid
from datetime import datetime, timedelta

import jwt
import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from authentication.models import Session
from authentication.testing import BROWSER_HEADERS, LOGIN_URL, ME_URL, PASSWORD, REFRESH_URL, assert_error, bearer

# Revocation reaches caches once the transaction commits: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

SESSIONS_URL = "/api/auth/sessions/"
END_OTHERS_URL = "/api/auth/sessions/end-others/"
REAUTH_URL = "/api/auth/reauthenticate/"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15"
)


def device(user_agent=FIREFOX, address="127.0.0.1", **extra) -> APIClient:
    return APIClient(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address, **BROWSER_HEADERS, **extra)


def sign_in(client: APIClient, username="alice") -> str:
    response = client.post(LOGIN_URL, {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["access"]


def sid(access: str) -> str:
    return jwt.decode(access, options={"verify_signature": False})["sid"]


def sessions_of(client: APIClient, access: str) -> list[dict]:
    response = client.get(SESSIONS_URL, **bearer(access))
    assert response.status_code == 200, response.content
    return response.json()


def age_authentication(access: str, by: timedelta) -> None:
    """Make the session's password check older (as if the sign-in was that long ago)."""
    Session.objects.filter(pk=sid(access)).update(authenticated_at=timezone.now() - by)


def test_the_list_shows_each_live_session_with_its_device_and_marks_this_one(user):
    laptop, phone = device(FIREFOX, "127.0.0.2"), device(MAC, "127.0.0.3")
    laptop_access, phone_access = sign_in(laptop), sign_in(phone)
    listed = sessions_of(laptop, laptop_access)
    assert [(entry["device"], entry["client_address"], entry["current"]) for entry in listed] == [
        ("Safari 17 on Mac", "127.0.0.3", False),
        ("Firefox 133 on Windows", "127.0.0.2", True),
    ]
    assert {entry["id"] for entry in listed} == {sid(laptop_access), sid(phone_access)}
    assert set(listed[0]) == {"id", "device", "created_at", "last_used_at", "client_address", "last_address", "current"}


def test_the_address_is_the_client_behind_a_trusted_proxy(user, auth):
    auth.TRUSTED_PROXIES = ["10.0.0.0/8"]
    client = device(address="10.0.0.5", HTTP_X_FORWARDED_FOR="127.0.0.20")
    access = sign_in(client)
    assert sessions_of(client, access)[0]["client_address"] == "127.0.0.20"


def test_a_refresh_updates_last_used_and_the_last_address(user):
    client = device(address="127.0.0.2")
    access = sign_in(client)
    Session.objects.filter(pk=sid(access)).update(last_used_at=timezone.now() - timedelta(hours=1))
    client.defaults["REMOTE_ADDR"] = "127.0.0.9"
    access = client.post(REFRESH_URL).json()["access"]
    [entry] = sessions_of(client, access)
    assert entry["last_address"] == "127.0.0.9" and entry["client_address"] == "127.0.0.2"
    assert timezone.now() - datetime.fromisoformat(entry["last_used_at"]) < timedelta(minutes=1)


def test_ended_and_other_users_sessions_are_not_listed(user, other_user):
    client = device()
    access = sign_in(client)
    sign_in(device(), "bob")
    ended = sign_in(device())
    Session.objects.filter(pk=sid(ended)).update(revoked_at=timezone.now())
    assert [entry["id"] for entry in sessions_of(client, access)] == [sid(access)]


def test_ending_one_session_signs_that_device_out_at_once(user):
    laptop, phone = device(), device(MAC)
    laptop_access, phone_access = sign_in(laptop), sign_in(phone)
    assert laptop.delete(f"{SESSIONS_URL}{sid(phone_access)}/", **bearer(laptop_access)).status_code == 204
    assert_error(phone.get(ME_URL, **bearer(phone_access)), 401, "session_revoked")
    assert_error(phone.post(REFRESH_URL), 401)
    assert laptop.get(ME_URL, **bearer(laptop_access)).status_code == 200


def test_another_users_session_answers_404_like_one_that_never_existed(user, other_user):
    alice, bob = device(), device()
    alice_access, bob_access = sign_in(alice), sign_in(bob, "bob")
    for session_id in (sid(bob_access), str(uuid.uuid4())):
        body = assert_error(alice.delete(f"{SESSIONS_URL}{session_id}/", **bearer(alice_access)), 404, "not_found")
        assert "No live session of yours" in body["detail"]
    assert bob.get(ME_URL, **bearer(bob_access)).status_code == 200
    assert_error(alice.delete(f"{SESSIONS_URL}not-a-uuid/", **bearer(alice_access)), 404, "not_found")


def test_ending_this_session_signs_this_device_out(user):
    client = device()
    access = sign_in(client)
    assert client.delete(f"{SESSIONS_URL}{sid(access)}/", **bearer(access)).status_code == 204
    assert_error(client.get(ME_URL, **bearer(access)), 401, "session_revoked")


def test_ending_all_others_needs_the_password_or_a_recent_sign_in(user):
    laptop, phone, tablet = device(), device(MAC), device()
    laptop_access, phone_access, tablet_access = sign_in(laptop), sign_in(phone), sign_in(tablet)
    age_authentication(laptop_access, timedelta(hours=1))
    # The access token still says when the password was presented: a fresh one does, after a refresh.
    laptop_access = laptop.post(REFRESH_URL).json()["access"]

    body = assert_error(laptop.post(END_OTHERS_URL, {}, format="json", **bearer(laptop_access)), 403)
    assert body["code"] == "reauthentication_required"
    assert "current_password" in body["detail"] and "/api/auth/reauthenticate/" in body["detail"]
    wrong = laptop.post(END_OTHERS_URL, {"current_password": "not-it"}, format="json", **bearer(laptop_access))
    assert "not your current password" in assert_error(wrong, 403, "password_incorrect")["detail"]
    assert phone.get(ME_URL, **bearer(phone_access)).status_code == 200

    right = laptop.post(END_OTHERS_URL, {"current_password": PASSWORD}, format="json", **bearer(laptop_access))
    assert right.json() == {"ended": 2}
    for client, access in ((phone, phone_access), (tablet, tablet_access)):
        assert_error(client.get(ME_URL, **bearer(access)), 401, "session_revoked")
    assert laptop.get(ME_URL, **bearer(laptop_access)).status_code == 200


def test_a_sign_in_within_the_window_counts_as_re_authentication(user, auth):
    auth.REAUTHENTICATION_WINDOW = timedelta(minutes=5)
    client, other = device(), device()
    access = sign_in(client)
    sign_in(other)
    assert client.post(END_OTHERS_URL, {}, format="json", **bearer(access)).json() == {"ended": 1}


def test_reauthenticate_renews_auth_time_in_a_new_access_token(user):
    client = device()
    access = sign_in(client)
    age_authentication(access, timedelta(hours=1))
    stale = client.post(REFRESH_URL).json()["access"]
    assert_error(client.post(END_OTHERS_URL, {}, format="json", **bearer(stale)), 403, "reauthentication_required")
    assert_error(
        client.post(REAUTH_URL, {"password": "wrong"}, format="json", **bearer(stale)), 403, "password_incorrect"
    )

    response = client.post(REAUTH_URL, {"password": PASSWORD}, format="json", **bearer(stale))
    fresh = response.json()["access"]
    claims = jwt.decode(fresh, options={"verify_signature": False})
    assert claims["sid"] == sid(stale) and time.time() - claims["auth_time"] < 60
    assert client.post(END_OTHERS_URL, {}, format="json", **bearer(fresh)).json() == {"ended": 0}
    # A later refresh keeps the renewed auth_time.
    renewed = jwt.decode(client.post(REFRESH_URL).json()["access"], options={"verify_signature": False})
    assert renewed["auth_time"] == claims["auth_time"]


def test_password_checks_by_a_signed_in_user_are_limited(user):
    client = device()
    access = sign_in(client)
    statuses = [
        client.post(REAUTH_URL, {"password": f"guess-{n}"}, format="json", **bearer(access)).status_code
        for n in range(6)
    ]
    assert statuses == [403] * 5 + [429]


def test_every_session_endpoint_needs_a_signed_in_user(user):
    anonymous = device()
    assert_error(anonymous.get(SESSIONS_URL), 401)
    assert_error(anonymous.delete(f"{SESSIONS_URL}{uuid.uuid4()}/"), 401)
    assert_error(anonymous.post(END_OTHERS_URL, {}, format="json"), 401)
    assert_error(anonymous.post(REAUTH_URL, {"password": PASSWORD}, format="json"), 401)


def test_staff_end_every_session_of_a_user(user, other_user, django_user_model):
    django_user_model.objects.create_user(
        username="staff", email="staff@example.com", password=PASSWORD, is_staff=True, email_verified_at=timezone.now()
    )
    bob = device()
    bob_access = sign_in(bob, "bob")
    staff_client = device()
    staff_access = sign_in(staff_client, "staff")
    alice_client = device()
    alice_access = sign_in(alice_client)

    url = f"/api/auth/users/{other_user.pk}/sessions/end/"
    assert_error(alice_client.post(url, **bearer(alice_access)), 403)  # not staff
    assert bob.get(ME_URL, **bearer(bob_access)).status_code == 200
    assert staff_client.post(url, **bearer(staff_access)).json() == {"ended": 1}
    assert_error(bob.get(ME_URL, **bearer(bob_access)), 401, "session_revoked")
    assert_error(staff_client.post("/api/auth/users/999999/sessions/end/", **bearer(staff_access)), 404)


def test_the_schema_describes_the_session_endpoints(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    assert {"get"} <= set(paths["/api/auth/sessions/"])
    assert "delete" in paths["/api/auth/sessions/{session_id}/"]
    posts = ("/api/auth/sessions/end-others/", "/api/auth/reauthenticate/", "/api/auth/users/{user_id}/sessions/end/")
    for path in posts:
        assert {"200", "401", "403"} <= set(paths[path]["post"]["responses"]), path
