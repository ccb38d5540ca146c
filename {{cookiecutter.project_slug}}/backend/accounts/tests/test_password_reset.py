"""Password reset: a single-use, expiring link built on FRONTEND_URL (never the request's Host);
a new password ends every session, access tokens included, and the owner is told; the answer is
the same whether or not the address has an account (ASVS 5.0 6.3.8)."""

import statistics
import time

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import links
from accounts.testing import NEW_PASSWORD, RESET_CONFIRM_URL, RESET_URL, kind_of, link_in, token_in
from authentication.testing import (
    BROWSER_HEADERS,
    LOGIN_URL,
    ME_URL,
    PASSWORD,
    REFRESH_URL,
    assert_error,
    bearer,
    clear_test_cache,
)

REQUESTED = {"detail": "If that address has an account, we sent it a link to set a new password."}


def request_reset(client, email="alice@example.com", **extra):
    return client.post(RESET_URL, {"email": email}, format="json", **extra)


def confirm(client, token, password=NEW_PASSWORD):
    return client.post(RESET_CONFIRM_URL, {"token": token, "new_password": password}, format="json")


def sign_in(client, password):
    return client.post(LOGIN_URL, {"username": "alice", "password": password}, format="json")


def test_the_emailed_link_sets_a_new_password(api, outbox, user, settings):
    response = request_reset(api, "Alice@Example.com")
    assert (response.status_code, response.json()) == (202, REQUESTED)
    [message] = outbox
    assert kind_of(message) == "password_reset" and message.to == ["alice@example.com"]
    assert link_in(message).startswith(f"{settings.FRONTEND_URL}/reset-password#token=")
    assert "1 hour" in message.body
    response = confirm(api, token_in(message))
    assert response.status_code == 200
    assert sign_in(APIClient(**BROWSER_HEADERS), NEW_PASSWORD).status_code == 200
    assert_error(sign_in(APIClient(**BROWSER_HEADERS), PASSWORD), 401, "invalid_credentials")


def test_a_new_password_ends_every_session_and_the_owner_is_told(outbox, user):
    browsers = [APIClient(**BROWSER_HEADERS) for _ in range(2)]
    accesses = [sign_in(browser, PASSWORD).json()["access"] for browser in browsers]
    token = links.password_reset_token(get_user_model().objects.get(pk=user.pk))  # after the sign-ins
    assert confirm(APIClient(), token).status_code == 200
    for browser, access in zip(browsers, accesses, strict=True):
        assert_error(browser.get(ME_URL, **bearer(access)), 401)
        assert_error(browser.post(REFRESH_URL, format="json"), 401)
    [notice] = [message for message in outbox if kind_of(message) == "password_changed"]
    assert notice.to == ["alice@example.com"] and "signed out" in notice.body


def test_a_link_works_once(api, outbox, user):
    token = links.password_reset_token(user)
    assert confirm(api, token).status_code == 200
    assert_error(confirm(api, token, "another-new-passphrase"), 400, "link_invalid")


def test_signing_in_spends_a_link_sent_before(api, outbox, user):
    token = links.password_reset_token(user)
    assert sign_in(api, PASSWORD).status_code == 200
    assert_error(confirm(api, token), 400, "link_invalid")


def test_an_expired_link_is_refused(api, outbox, user, settings):
    token = links.password_reset_token(user)
    settings.PASSWORD_RESET_TIMEOUT = -1
    assert_error(confirm(api, token), 400, "link_invalid")
    assert get_user_model().objects.get(pk=user.pk).check_password(PASSWORD)


def test_another_users_link_cannot_reset_this_account(api, outbox, user, other_user):
    alice_uid, _, alice_secret = links.password_reset_token(user).partition(".")
    bob_uid, _, bob_secret = links.password_reset_token(other_user).partition(".")
    for token in (f"{bob_uid}.{alice_secret}", f"{alice_uid}.{bob_secret}"):
        assert_error(confirm(api, token), 400, "link_invalid")
    assert get_user_model().objects.get(pk=user.pk).check_password(PASSWORD)
    assert get_user_model().objects.get(pk=other_user.pk).check_password(PASSWORD)


@pytest.mark.parametrize(
    "token", ["nothing", ".", "MQ", "MQ.", "!!.x-y", "AAAAAAAAAAAAAAAAAAAAAAA.x", "LTE.x-y", "w6k.x"]
)
def test_malformed_tokens_get_a_clear_400(api, outbox, user, token):
    assert_error(confirm(api, token), 400, "link_invalid")


def test_the_new_password_must_meet_the_policy_and_the_link_survives_a_refusal(api, outbox, user):
    token = links.password_reset_token(user)
    body = assert_error(confirm(api, token, "too-short"), 400, "invalid_request")
    assert "new_password" in body["fields"]
    assert confirm(api, token).status_code == 200


def test_following_the_link_also_verifies_the_address(api, outbox, django_user_model):
    user = django_user_model.objects.create_user(username="carol", email="carol@example.com", password=PASSWORD)
    assert confirm(api, links.password_reset_token(user)).status_code == 200
    assert get_user_model().objects.get(pk=user.pk).email_verified


@pytest.mark.parametrize("email", ["nobody@example.com", "inactive@example.com", "nopassword@example.com"])
def test_addresses_without_a_usable_account_get_the_same_answer_and_no_mail(api, outbox, django_user_model, email):
    django_user_model.objects.create_user(username="inactive", email="inactive@example.com", is_active=False)
    django_user_model.objects.create_user(username="nopassword", email="nopassword@example.com", password=None)
    response = request_reset(api, email)
    assert (response.status_code, response.json()) == (202, REQUESTED)
    assert outbox == []


def test_links_come_from_configuration_never_from_the_host_header(outbox, user, settings):
    """Host-header poisoning (OWASP WSTG-INPV-17): the request names an attacker's site."""
    settings.ALLOWED_HOSTS = ["*"]
    poisoned = APIClient(HTTP_HOST="attacker.example", HTTP_X_FORWARDED_HOST="attacker.example")
    assert request_reset(poisoned).status_code == 202
    [message] = outbox
    assert link_in(message).startswith(f"{settings.FRONTEND_URL}/")
    assert "attacker.example" not in message.body and "attacker.example" not in message.alternatives[0][0]


def test_reset_requests_are_limited_per_address_mailed(outbox, user):
    clients = [APIClient(REMOTE_ADDR=f"127.0.0.{n + 2}") for n in range(6)]
    assert [request_reset(client).status_code for client in clients] == [202] * 5 + [429]


def test_reset_requests_are_limited_per_client_address(api, outbox):
    statuses = [request_reset(api, f"user{n}@example.com").status_code for n in range(21)]
    assert statuses == [202] * 20 + [429]


def test_the_answer_does_not_wait_for_a_slow_mail_server(api, user, settings, smtp_server):
    """With a real SMTP server on loopback that takes 0.4 s per message, asking for a reset takes as
    long for an address with an account (mail sent) as for one without (none sent)."""
    smtp_server.delay = 0.4
    settings.RUN_TASKS_IN_BACKGROUND = True
    timings = {"known": [], "unknown": []}
    for _ in range(5):  # interleaved
        for case, email in (("known", "alice@example.com"), ("unknown", "nobody@example.com")):
            clear_test_cache()
            started = time.perf_counter()
            assert request_reset(api, email).status_code == 202
            timings[case].append(time.perf_counter() - started)
    difference = abs(statistics.median(timings["known"]) - statistics.median(timings["unknown"]))
    assert difference < smtp_server.delay / 4, timings
    delivered = smtp_server.wait_for(5)
    assert {message["X-Account-Email"] for message in delivered} == {"password_reset"}
    assert {message["To"] for message in delivered} == {"alice@example.com"}


def test_reset_request_is_recorded_without_the_address(api, outbox, user, security_events):
    request_reset(api)
    request_reset(api, "nobody@example.com")
    records = [record for record in security_events() if record.event == "password_reset_requested"]
    assert [record.user_id for record in records] == [user.pk, None]
    assert not any("alice@example.com" in str(vars(record)) for record in records)


def test_verified_at_is_kept_when_a_verified_account_resets(api, outbox, user):
    before = user.email_verified_at
    assert confirm(api, links.password_reset_token(user)).status_code == 200
    assert get_user_model().objects.get(pk=user.pk).email_verified_at == before <= timezone.now()
