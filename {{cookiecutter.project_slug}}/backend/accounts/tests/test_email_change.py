"""Email change: the current password first; the new address confirms by link before it is used;
the current address gets a notice; links are spent once the address has moved on."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from rest_framework.test import APIClient

from accounts import links
from accounts.testing import EMAIL_CHANGE_CONFIRM_URL, EMAIL_CHANGE_URL, kind_of, link_in, messages_of, token_in
from authentication.testing import BROWSER_HEADERS, LOGIN_URL, ME_URL, PASSWORD, assert_error, bearer

REQUESTED = {"detail": "Check the new address: we sent it a link to confirm the change."}


def request_change(api, access, new_email="alice.new@example.com", password=PASSWORD):
    body = {"new_email": new_email, "current_password": password}
    return api.post(EMAIL_CHANGE_URL, body, format="json", **bearer(access))


def confirm(token, client=None):
    return (client or APIClient()).post(EMAIL_CHANGE_CONFIRM_URL, {"token": token}, format="json")


def email_of(user) -> str:
    return get_user_model().objects.get(pk=user.pk).email


def test_the_new_address_confirms_and_the_old_one_is_told(api, outbox, user, access, settings):
    response = request_change(api, access)
    assert (response.status_code, response.json()) == (202, REQUESTED)
    [link] = messages_of(outbox, "email_change_confirm", "alice.new@example.com")
    [notice] = messages_of(outbox, "email_change_notice", "alice@example.com")
    assert "a***@example.com" in notice.body and "alice.new@example.com" not in notice.body
    assert link_in(link).startswith(f"{settings.FRONTEND_URL}/confirm-email-change#token=")
    assert email_of(user) == "alice@example.com"  # nothing changes until the link is followed
    response = confirm(token_in(link))  # on any device, signed in or not
    assert response.json() == {"detail": "Email address changed.", "email": "alice.new@example.com"}
    assert email_of(user) == "alice.new@example.com"
    assert api.get(ME_URL, **bearer(access)).json()["email"] == "alice.new@example.com"


def test_following_the_link_twice_is_harmless(api, outbox, user, access):
    request_change(api, access)
    token = token_in(messages_of(outbox, "email_change_confirm")[0])
    assert confirm(token).status_code == 200
    assert confirm(token).status_code == 200
    assert email_of(user) == "alice.new@example.com"


def test_a_wrong_current_password_changes_nothing_and_sends_nothing(api, outbox, user, access):
    body = assert_error(request_change(api, access, password="not-my-password"), 400, "invalid_request")
    assert "current_password" in body["fields"]
    assert outbox == []


def test_the_current_address_is_refused_as_a_new_one(api, outbox, user, access):
    body = assert_error(request_change(api, access, new_email="ALICE@example.com"), 400, "invalid_request")
    assert "new_email" in body["fields"]


def test_an_address_of_another_account_gets_the_same_answer_and_no_link(api, outbox, user, other_user, access):
    response = request_change(api, access, new_email="bob@example.com")
    assert (response.status_code, response.json()) == (202, REQUESTED)
    assert messages_of(outbox, "email_change_confirm") == []
    assert [message.to for message in messages_of(outbox, "email_change_notice")] == [["alice@example.com"]]


def test_an_address_taken_before_the_link_is_followed_is_refused(api, outbox, user, access, django_user_model):
    request_change(api, access)
    django_user_model.objects.create_user(username="eve", email="ALICE.NEW@example.com")
    assert_error(confirm(token_in(messages_of(outbox, "email_change_confirm")[0])), 400, "email_taken")
    assert email_of(user) == "alice@example.com"


def test_a_superseded_link_is_spent(api, outbox, user, access):
    request_change(api, access, new_email="first@example.com")
    request_change(api, access, new_email="second@example.com")
    first, second = (token_in(message) for message in messages_of(outbox, "email_change_confirm"))
    assert confirm(second).status_code == 200
    assert_error(confirm(first), 400, "link_invalid")
    assert email_of(user) == "second@example.com"


def test_an_expired_link_is_refused(outbox, user, accounts):
    token = links.email_change_token(user, "alice.new@example.com")
    accounts.EMAIL_CHANGE_LINK_LIFETIME = timedelta(seconds=-1)
    assert_error(confirm(token), 400, "link_expired")


def test_a_token_cannot_be_rewritten_to_another_account_or_address(outbox, user, other_user):
    token = links.email_change_token(other_user, "bob.new@example.com")
    payload = signing.loads(token, salt=links.EMAIL_CHANGE_SALT)
    for forged in ({**payload, "user": user.pk}, {**payload, "to": "mallory@example.com"}):
        tampered = signing.dumps(forged, salt="another-salt")
        assert_error(confirm(tampered), 400, "link_invalid")
    assert email_of(user) == "alice@example.com" and email_of(other_user) == "bob@example.com"


def test_another_users_confirmation_changes_only_that_user(outbox, user, other_user, access, api):
    token = links.email_change_token(other_user, "bob.new@example.com")
    assert confirm(token, api).status_code == 200  # sent by alice's signed-in client
    assert (email_of(user), email_of(other_user)) == ("alice@example.com", "bob.new@example.com")


def test_changing_the_email_needs_a_signed_in_user(outbox):
    body = {"new_email": "x@example.com", "current_password": PASSWORD}
    assert_error(APIClient().post(EMAIL_CHANGE_URL, body, format="json"), 401)


def test_email_change_is_limited_per_address_mailed(outbox, user, django_user_model):
    accesses = []
    for n in range(6):
        verified = user.email_verified_at
        owner = django_user_model.objects.create_user(
            username=f"owner{n}", email=f"owner{n}@example.com", password=PASSWORD, email_verified_at=verified
        )
        client = APIClient(REMOTE_ADDR=f"127.0.0.{n + 2}", **BROWSER_HEADERS)
        login = client.post(LOGIN_URL, {"username": owner.username, "password": PASSWORD}, format="json")
        accesses.append((client, login.json()["access"]))
    statuses = [request_change(client, access, "wanted@example.com").status_code for client, access in accesses]
    assert statuses == [202] * 5 + [429]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"new_email": "x@example.com"},
        {"new_email": "nope", "current_password": PASSWORD},
        {"new_email": 1, "current_password": PASSWORD},
    ],
)
def test_malformed_requests_get_a_field_error(api, outbox, user, access, body):
    assert_error(api.post(EMAIL_CHANGE_URL, body, format="json", **bearer(access)), 400, "invalid_request")
    assert outbox == []


def test_no_link_text_names_a_username_to_an_unproven_address(api, outbox, user, access):
    request_change(api, access)
    [message] = messages_of(outbox, "email_change_confirm")
    assert "alice" not in message.body.replace("alice.new@example.com", "")
    assert kind_of(message) == "email_change_confirm"
