"""Sign-up: an unverified account and a verification link; the answer and its timing are the same
whether the username or address is taken (ASVS 5.0 6.3.8); closed by a setting; password policy."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from accounts.testing import NEW_PASSWORD, SIGNUP_URL, VERIFY_EMAIL_URL, kind_of, link_in, messages_of, token_in
from authentication.testing import LOGIN_URL, assert_error
from config import deferred

SIGNED_UP = {"detail": "Check your email: we sent a link to finish signing up."}


def sign_up(api, username="carol", email="carol@example.com", password=NEW_PASSWORD, **extra):
    return api.post(SIGNUP_URL, {"username": username, "email": email, "password": password}, format="json", **extra)


def sign_in(api, username="carol", password=NEW_PASSWORD):
    return api.post(LOGIN_URL, {"username": username, "password": password}, format="json")


def test_sign_up_makes_an_unverified_account_and_mails_its_link(api, outbox, settings):
    response = sign_up(api)
    assert (response.status_code, response.json()) == (202, SIGNED_UP)
    user = get_user_model().objects.get(username="carol")
    assert user.email == "carol@example.com" and user.check_password(NEW_PASSWORD)
    assert user.email_verified_at is None
    [message] = outbox
    assert kind_of(message) == "verify_email" and message.to == ["carol@example.com"]
    assert link_in(message).startswith(f"{settings.FRONTEND_URL}/verify-email#token=")
    assert settings.PROJECT_NAME in message.subject


def test_an_unverified_account_signs_in_only_after_following_the_link(api, outbox):
    sign_up(api)
    assert_error(sign_in(api), 403, "email_unverified")
    assert api.post(VERIFY_EMAIL_URL, {"token": token_in(outbox[0])}, format="json").status_code == 200
    response = sign_in(api)
    assert response.status_code == 200
    assert response.json()["user"]["email_verified"] is True


def test_a_wrong_password_says_nothing_about_verification(api, outbox):
    sign_up(api)
    assert_error(sign_in(api, password="not-the-password-at-all"), 401, "invalid_credentials")


def test_optional_verification_lets_a_new_account_sign_in_at_once(api, outbox, accounts):
    accounts.EMAIL_VERIFICATION = "optional"
    sign_up(api)
    assert sign_in(api).status_code == 200
    assert [kind_of(message) for message in outbox] == ["verify_email"]


def test_closed_sign_up_makes_no_account_and_sends_nothing(api, outbox, accounts):
    accounts.SIGNUP_OPEN = False
    body = assert_error(sign_up(api), 403, "signup_closed")
    assert "administrator" in body["detail"]
    assert not get_user_model().objects.filter(username="carol").exists()
    assert outbox == []


def test_an_address_in_use_gets_the_same_answer_and_its_owner_a_notice(api, outbox, user):
    response = sign_up(api, username="mallory", email="ALICE@example.com")
    assert (response.status_code, response.json()) == (202, SIGNED_UP)
    assert not get_user_model().objects.filter(username="mallory").exists()
    [notice] = outbox
    assert kind_of(notice) == "signup_account_exists" and notice.to == ["ALICE@example.com"]
    assert "/login" in notice.body and "/forgot-password" in notice.body


def test_a_username_in_use_gets_the_same_answer_and_the_address_a_notice(api, outbox, user):
    response = sign_up(api, username="alice", email="someone@example.com")
    assert (response.status_code, response.json()) == (202, SIGNED_UP)
    assert get_user_model().objects.get(username="alice").email == "alice@example.com"
    [notice] = outbox
    assert kind_of(notice) == "signup_username_taken" and notice.to == ["someone@example.com"]
    assert "alice" not in notice.body  # mail to an unproven address carries no text the requester chose


def test_an_unverified_address_cannot_be_claimed_again(api, outbox):
    """Pre-registering someone's address does not let a second sign-up verify the first account."""
    sign_up(api, username="mallory", email="victim@example.com")
    sign_up(api, username="victim", email="victim@example.com")
    assert list(get_user_model().objects.filter(email="victim@example.com").values_list("username", flat=True)) == [
        "mallory"
    ]
    assert [kind_of(message) for message in messages_of(outbox, "signup_account_exists")] == ["signup_account_exists"]


def assert_accepted(response) -> None:
    assert (response.status_code, response.json()) == (202, SIGNED_UP)


class CountingHasher(PBKDF2PasswordHasher):
    """PBKDF2 (at a test's iteration count) that counts the passwords it hashes."""

    iterations = 1000
    hashed = 0

    def encode(self, password, salt, iterations=None) -> str:
        type(self).hashed += 1
        return super().encode(password, salt, iterations)


class HeldTasks:
    """A task runner that keeps deferred work (mail, audit records) until told, as production
    runs it after the response: whatever a path defers costs the request nothing."""

    def __init__(self) -> None:
        self.held: list[tuple] = []

    def submit(self, name: str, kwargs: dict, task_id: str) -> None:
        self.held.append((name, kwargs))

    def run(self) -> None:
        for name, kwargs in self.held:
            deferred.run(name, kwargs)


def test_sign_up_does_the_same_slow_work_whether_or_not_the_account_exists(api, outbox, user, settings, monkeypatch):
    """The answer's timing is the same on every path because the slow work is: exactly one password
    hash (about a quarter of a second in production), and the mail sent after the response. Checked
    as counts rather than as wall-clock time, which a busy CI machine turns into noise larger than
    the differences looked for (an INSERT, a log line)."""
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    tasks = HeldTasks()
    monkeypatch.setattr(deferred, "task_runner", lambda: tasks)
    cases = {
        "new": lambda: sign_up(api, username="new1", email="new1@example.com"),
        "address in use": lambda: sign_up(api, username="other1", email="alice@example.com"),
        "username in use": lambda: sign_up(api, username="alice", email="fresh1@example.com"),
    }
    hashes = {}
    for name, case in cases.items():
        CountingHasher.hashed = 0
        assert_accepted(case())
        hashes[name] = CountingHasher.hashed
    assert hashes == dict.fromkeys(cases, 1)
    assert outbox == []  # nothing was mailed while a request was answered
    tasks.run()  # and every path did its work: a link to the new address, a notice to each other one
    assert sorted(kind_of(message) for message in outbox) == [
        "signup_account_exists",
        "signup_username_taken",
        "verify_email",
    ]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("fourteen-chars", "at least 15 characters"),
        ("1q2w3e4r5t6y7u8i9o0p", "too common"),
        ("carol@example.com1", "too similar"),
    ],
)
def test_passwords_the_policy_refuses(api, outbox, password, message):
    body = assert_error(sign_up(api, password=password), 400, "invalid_request")
    assert any(message in text for text in body["fields"]["password"])
    assert not get_user_model().objects.filter(username="carol").exists() and outbox == []


@pytest.mark.parametrize(
    "password",
    [
        "fifteen-chars!!",  # the minimum
        "948302758103948576",  # digits only: no composition rules (NIST SP 800-63B-4 3.1.1.2)
        "a long passphrase of plain lowercase words " * 3,  # well beyond 64 characters
        "contraseña-über-пароль-🔑",  # any Unicode
    ],
)
def test_passwords_the_policy_accepts(api, outbox, password):
    assert sign_up(api, password=password).status_code == 202
    assert get_user_model().objects.get(username="carol").check_password(password)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "has space", "email": "a@example.com", "password": NEW_PASSWORD}, "username"),
        ({"username": "x" * 151, "email": "a@example.com", "password": NEW_PASSWORD}, "username"),
        ({"username": "dave", "email": "not-an-address", "password": NEW_PASSWORD}, "email"),
        ({"username": "dave", "email": "a\r\nBcc: b@example.com", "password": NEW_PASSWORD}, "email"),
        ({"username": "dave", "email": ["a@example.com"], "password": NEW_PASSWORD}, "email"),
        ({"username": "dave", "email": "a@example.com", "password": 123456789012345678}, "password"),
        ({"username": "dave", "email": "a@example.com", "password": "x" * 4097}, "password"),
        ({"username": "dave", "email": "a@example.com"}, "password"),
    ],
)
def test_malformed_sign_ups_get_a_field_error(api, outbox, body, field):
    response = api.post(SIGNUP_URL, body, format="json")
    assert field in assert_error(response, 400, "invalid_request")["fields"]
    assert outbox == []


def test_sign_up_is_limited_per_address_mailed(api, outbox, user):
    statuses = [sign_up(api, username=f"u{n}", email="target@example.com").status_code for n in range(6)]
    assert statuses == [202] * 5 + [429]


def test_sign_up_is_limited_per_client_address(api, outbox):
    statuses = [sign_up(api, username=f"u{n}", email=f"u{n}@example.com").status_code for n in range(21)]
    assert statuses == [202] * 20 + [429]


def test_the_password_is_in_no_mail_log_or_response(api, outbox, user, caplog):
    secret = "an-unmistakable-secret-passphrase"
    responses = [
        sign_up(api, password=secret),
        sign_up(api, username="alice", email="new@example.com", password=secret),
        sign_up(api, username="zed", email="alice@example.com", password=secret),
    ]
    assert all(response.status_code == 202 for response in responses)
    assert len(outbox) == 3
    for message in outbox:
        assert secret not in message.message().as_string()
    assert secret not in caplog.text
    assert not any(secret in response.content.decode() for response in responses)
