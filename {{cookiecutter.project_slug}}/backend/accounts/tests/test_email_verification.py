"""Email verification links: signed, expiring, spent once the address they name has changed;
verifying twice is harmless; resend answers alike for every address and is limited."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from rest_framework.test import APIClient

from accounts import links
from accounts.testing import RESEND_URL, VERIFY_EMAIL_URL, kind_of, token_in
from authentication.testing import assert_error, bearer

RESENT = {"detail": "If that address has an account waiting for verification, we sent it a new link."}


@pytest.fixture
def unverified(django_user_model):
    return django_user_model.objects.create_user(username="carol", email="carol@example.com", password="x" * 20)


def verify(api, token, **extra):
    return api.post(VERIFY_EMAIL_URL, {"token": token}, format="json", **extra)


def refreshed(user):
    return get_user_model().objects.get(pk=user.pk)


def test_the_link_verifies_the_address(api, outbox, unverified):
    response = verify(api, links.verify_email_token(unverified))
    assert response.status_code == 200
    expected = {"id": unverified.pk, "username": "carol", "email": "carol@example.com", "email_verified": True}
    assert response.json() == expected
    assert refreshed(unverified).email_verified


def test_verifying_twice_is_harmless(api, outbox, unverified):
    token = links.verify_email_token(unverified)
    assert verify(api, token).status_code == 200
    first = refreshed(unverified).email_verified_at
    assert verify(api, token).status_code == 200
    assert refreshed(unverified).email_verified_at == first


def test_an_expired_link_gets_a_clear_400(api, outbox, unverified, accounts):
    token = links.verify_email_token(unverified)
    accounts.VERIFY_EMAIL_LINK_LIFETIME = timedelta(seconds=-1)
    body = assert_error(verify(api, token), 400, "link_expired")
    assert "Ask for a new one" in body["detail"]
    assert not refreshed(unverified).email_verified


@pytest.mark.parametrize(
    ("forge", "code"),
    [
        (lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "link_invalid"),  # signature
        (lambda token: "not-a-token", "link_invalid"),
        (lambda token: "x" * 1024, "link_invalid"),
        (lambda token: signing.dumps({"user": 1}, key="another-key", salt=links.VERIFY_EMAIL_SALT), "link_invalid"),
        (lambda token: signing.dumps({"user": 1}, salt=links.EMAIL_CHANGE_SALT), "link_invalid"),  # another purpose
        (lambda token: signing.dumps(["not", "a", "dict"], salt=links.VERIFY_EMAIL_SALT), "link_invalid"),
        (lambda token: signing.dumps({"user": "1", "email": "x"}, salt=links.VERIFY_EMAIL_SALT), "link_invalid"),
        (lambda token: "", "invalid_request"),
        (lambda token: "x" * 1025, "invalid_request"),
    ],
)
def test_forged_links_get_a_clear_400(api, outbox, unverified, forge, code):
    assert_error(verify(api, forge(links.verify_email_token(unverified))), 400, code)
    assert not refreshed(unverified).email_verified


def test_a_link_for_an_address_the_account_no_longer_has_is_spent(api, outbox, unverified):
    token = links.verify_email_token(unverified)
    unverified.email = "carol.new@example.com"
    unverified.save()
    assert_error(verify(api, token), 400, "link_invalid")
    assert not refreshed(unverified).email_verified


def test_another_users_link_verifies_that_user_only(api, outbox, unverified, django_user_model, access):
    """Signed in as alice, following carol's link verifies carol's address, never alice's account."""
    token = links.verify_email_token(unverified)
    response = verify(api, token, **bearer(access))
    assert response.json()["username"] == "carol"
    assert refreshed(unverified).email_verified


def test_a_deactivated_accounts_link_is_refused(api, outbox, unverified):
    token = links.verify_email_token(unverified)
    unverified.is_active = False
    unverified.save()
    assert_error(verify(api, token), 400, "link_invalid")


def test_resend_mails_a_fresh_link_to_an_unverified_address(api, outbox, unverified):
    response = api.post(RESEND_URL, {"email": "CAROL@example.com"}, format="json")
    assert (response.status_code, response.json()) == (202, RESENT)
    [message] = outbox
    assert kind_of(message) == "verify_email" and message.to == ["carol@example.com"]
    assert verify(api, token_in(message)).status_code == 200


@pytest.mark.parametrize("email", ["alice@example.com", "nobody@example.com"])
def test_resend_answers_alike_and_sends_nothing_for_verified_or_unknown_addresses(api, outbox, user, email):
    response = api.post(RESEND_URL, {"email": email}, format="json")
    assert (response.status_code, response.json()) == (202, RESENT)
    assert outbox == []


def test_resend_is_limited_per_address_mailed(outbox, unverified):
    clients = [APIClient(REMOTE_ADDR=f"127.0.0.{n + 2}") for n in range(6)]
    body = {"email": "carol@example.com"}
    statuses = [client.post(RESEND_URL, body, format="json").status_code for client in clients]
    assert statuses == [202] * 5 + [429]
    assert len(outbox) == 5


def test_resend_refuses_malformed_bodies(api, outbox):
    for body in ({}, {"email": 5}, {"email": "nope"}):
        assert "email" in assert_error(api.post(RESEND_URL, body, format="json"), 400, "invalid_request")["fields"]
