"""Security notifications: a sign-in from a new device, a session ended by reuse detection, a
changed password or address reach the account's owner; an address blocked for forging tokens
reaches staff once per window. Each can be switched off; none carries a token or a password."""

from datetime import timedelta

from rest_framework.test import APIClient

from accounts import links
from accounts.testing import EMAIL_CHANGE_CONFIRM_URL, RESET_CONFIRM_URL, messages_of
from authentication.testing import (
    BROWSER_HEADERS,
    LOGIN_URL,
    PASSWORD,
    PASSWORD_URL,
    REFRESH_URL,
    bearer,
    leaked_secrets,
)

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15"
)


def browser(user_agent=FIREFOX, address="127.0.0.1") -> APIClient:
    return APIClient(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address, **BROWSER_HEADERS)


def sign_in(client, username="alice", password=PASSWORD):
    response = client.post(LOGIN_URL, {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["access"]


def assert_no_secret(message, *secrets) -> None:
    text = message.message().as_string()
    for secret in (*secrets, PASSWORD, *leaked_secrets()):
        assert secret not in text


def test_a_sign_in_from_a_new_device_is_reported_and_a_known_one_is_not(outbox, user):
    sign_in(browser(FIREFOX))  # the first sign-in of the account: nothing to compare with
    sign_in(browser(FIREFOX))
    assert messages_of(outbox, "new_sign_in") == []
    access = sign_in(browser(MAC, "127.0.0.9"))
    [notice] = messages_of(outbox, "new_sign_in", "alice@example.com")
    assert "Safari 17 on Mac" in notice.body and "127.0.0.9" in notice.body
    assert "/settings/security" in notice.body
    assert_no_secret(notice, access)


def test_new_device_notices_can_be_switched_off(outbox, user, accounts):
    accounts.NOTIFY_NEW_DEVICE = False
    sign_in(browser(FIREFOX))
    sign_in(browser(MAC))
    assert messages_of(outbox, "new_sign_in") == []


def test_a_session_ended_by_reuse_detection_is_reported(outbox, user, auth):
    auth.REFRESH_GRACE_PERIOD = timedelta(0)
    client = browser()
    sign_in(client)
    stolen = {name: morsel.value for name, morsel in client.cookies.items()}  # every cookie, as a thief copies them
    assert client.post(REFRESH_URL).status_code == 200
    thief = browser(address="127.0.0.50")
    for name, value in stolen.items():
        thief.cookies[name] = value
    assert thief.post(REFRESH_URL).status_code == 401
    [notice] = messages_of(outbox, "session_reuse_detected", "alice@example.com")
    assert "If this wasn't you" in notice.body
    assert_no_secret(notice, *stolen.values())


def test_a_password_change_is_reported_once(outbox, user):
    client = browser()
    access = sign_in(client)
    body = {"current_password": PASSWORD, "new_password": "a-new-passphrase-for-alice"}
    assert client.post(PASSWORD_URL, body, format="json", **bearer(access)).status_code == 200
    [notice] = messages_of(outbox, "password_changed", "alice@example.com")
    assert_no_secret(notice, "a-new-passphrase-for-alice")


def test_a_password_reset_is_reported_once(outbox, user):
    token = links.password_reset_token(user)
    body = {"token": token, "new_password": "a-new-passphrase-for-alice"}
    assert APIClient().post(RESET_CONFIRM_URL, body, format="json").status_code == 200
    [notice] = messages_of(outbox, "password_changed", "alice@example.com")
    assert_no_secret(notice, token, "a-new-passphrase-for-alice")


def test_password_notices_can_be_switched_off(outbox, user, accounts):
    accounts.NOTIFY_PASSWORD_CHANGED = False
    body = {"token": links.password_reset_token(user), "new_password": "a-new-passphrase-for-alice"}
    assert APIClient().post(RESET_CONFIRM_URL, body, format="json").status_code == 200
    assert messages_of(outbox, "password_changed") == []


def test_the_old_address_hears_when_an_email_change_takes_effect(outbox, user):
    token = links.email_change_token(user, "alice.new@example.com")
    assert APIClient().post(EMAIL_CHANGE_CONFIRM_URL, {"token": token}, format="json").status_code == 200
    [notice] = messages_of(outbox, "email_changed", "alice@example.com")
    assert "a***@example.com" in notice.body and "alice.new@example.com" not in notice.body
    assert_no_secret(notice, token)


def test_staff_hear_once_per_window_of_an_address_blocked_for_forging_tokens(outbox, user, auth, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
    auth.TAMPER_THRESHOLD = 2
    attacker = APIClient(REMOTE_ADDR="127.0.0.66")
    statuses = [attacker.get("/api/me/", HTTP_AUTHORIZATION="Bearer forged.token.value").status_code for _ in range(6)]
    assert statuses[-1] == 429
    [alert] = messages_of(outbox, "tamper_alert")
    assert alert.to == ["root@example.com"] and "127.0.0.66" in alert.body
    assert "forged.token.value" not in alert.message().as_string()


def test_staff_alerts_go_to_the_configured_recipients_or_nowhere_when_off(outbox, user, auth, accounts):
    auth.TAMPER_THRESHOLD = 1
    accounts.SECURITY_ALERT_RECIPIENTS = ["security@example.com"]
    attacker = APIClient(REMOTE_ADDR="127.0.0.67")
    for _ in range(3):
        attacker.get("/api/me/", HTTP_AUTHORIZATION="Bearer forged")
    assert [message.to for message in messages_of(outbox, "tamper_alert")] == [["security@example.com"]]
    accounts.NOTIFY_STAFF_OF_TAMPERING = False
    other = APIClient(REMOTE_ADDR="127.0.0.68")
    for _ in range(3):
        other.get("/api/me/", HTTP_AUTHORIZATION="Bearer forged")
    assert len(messages_of(outbox, "tamper_alert")) == 1


def test_reuse_and_email_change_notices_can_be_switched_off(outbox, user, auth, accounts):
    accounts.NOTIFY_SESSION_REUSE = accounts.NOTIFY_EMAIL_CHANGED = False
    auth.REFRESH_GRACE_PERIOD = timedelta(0)
    client = browser()
    sign_in(client)
    stolen = {name: morsel.value for name, morsel in client.cookies.items()}
    client.post(REFRESH_URL)
    thief = browser(address="127.0.0.50")
    for name, value in stolen.items():
        thief.cookies[name] = value
    assert thief.post(REFRESH_URL).status_code == 401
    token = links.email_change_token(user, "alice.new@example.com")
    assert APIClient().post(EMAIL_CHANGE_CONFIRM_URL, {"token": token}, format="json").status_code == 200
    assert messages_of(outbox, "session_reuse_detected") == messages_of(outbox, "email_changed") == []
