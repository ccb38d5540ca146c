"""Sign-in with a second factor: the password step answers 202 with a challenge that opens
nothing else; a code from the authenticator, or a recovery code, finishes it (ASVS 5.0 6.3.2,
6.5). Every way around the second step fails."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from authentication.conf import auth_settings
from authentication.testing import (
    BROWSER_HEADERS,
    LOGIN_URL,
    ME_URL,
    PASSWORD,
    REFRESH_URL,
    VERIFY_URL,
    assert_error,
    bearer,
    claims_of,
)
from mfa.challenges import cookie_name
from mfa.models import Challenge, RecoveryCode, TotpDevice
from mfa.testing import MFA_VERIFY_URL, enable_totp, give_recovery_codes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def secret(user) -> str:
    return enable_totp(user)


def password_step(api, username="alice"):
    response = api.post(LOGIN_URL, {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 202, response.content
    return response


def second_step(api, code):
    return api.post(MFA_VERIFY_URL, {"code": code}, format="json")


def test_the_password_step_answers_a_challenge_and_no_token(api, secret):
    response = password_step(api)
    body = response.json()
    assert body["step"] == "verify" and body["methods"] == ["totp", "recovery_code"]
    assert body["expires_in"] == 300 and "access" not in body
    assert auth_settings.REFRESH_COOKIE_NAME not in response.cookies
    morsel = response.cookies[cookie_name()]
    assert morsel["httponly"] and morsel["path"] == "/api/auth/mfa/" and morsel["samesite"] == "Strict"
    assert "no-store" in response["Cache-Control"]


def test_a_code_finishes_the_sign_in_and_the_tokens_say_how(api, secret, totp_clock):
    password_step(api)
    response = second_step(api, totp_clock.code(secret))
    assert response.status_code == 200, response.content
    access = response.json()["access"]
    claims = claims_of(access)
    assert claims["amr"] == ["pwd", "otp"] and isinstance(claims["auth_time"], int)
    assert api.get(ME_URL, **bearer(access)).status_code == 200
    assert response.cookies[cookie_name()].value == ""  # the challenge cookie is cleared
    # The session keeps saying so: a refreshed access token carries the same methods.
    assert claims_of(api.post(REFRESH_URL).json()["access"])["amr"] == ["pwd", "otp"]


def test_without_a_second_factor_the_password_signs_in_with_amr_pwd(api, user):
    response = api.post(LOGIN_URL, {"username": "alice", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert claims_of(response.json()["access"])["amr"] == ["pwd"]


def test_the_challenge_is_no_bearer_token_and_no_refresh_cookie(api, secret, bare_api):
    token = password_step(api).cookies[cookie_name()].value
    assert_error(bare_api.get(VERIFY_URL, **bearer(token)), 401)
    assert_error(bare_api.get(ME_URL, **bearer(token)), 401)
    api.cookies[auth_settings.REFRESH_COOKIE_NAME] = token
    assert_error(api.post(REFRESH_URL), 401)


def test_nothing_is_signed_in_before_the_second_step(api, secret):
    password_step(api)
    assert_error(api.post(REFRESH_URL), 401, "refresh_missing")
    assert_error(api.get(ME_URL), 401)


def test_the_challenge_is_bound_to_the_browser_it_was_given_to(api, secret, totp_clock):
    password_step(api)
    elsewhere = APIClient(**BROWSER_HEADERS)  # no challenge cookie: another browser
    assert_error(second_step(elsewhere, totp_clock.code(secret)), 401, "mfa_challenge_invalid")


def test_another_users_code_does_not_finish_this_challenge(api, secret, other_user, totp_clock):
    bobs_secret = enable_totp(other_user)
    password_step(api)
    assert_error(second_step(api, totp_clock.code(bobs_secret)), 400, "mfa_code_invalid")


def test_a_code_is_refused_the_second_time_and_so_is_an_older_one(api, secret, totp_clock):
    code = totp_clock.code(secret)
    password_step(api)
    assert second_step(api, code).status_code == 200
    password_step(api)
    assert_error(second_step(api, code), 400, "mfa_code_invalid")  # replay within its step
    assert_error(second_step(api, totp_clock.code(secret, -1)), 400, "mfa_code_invalid")  # older
    assert second_step(api, totp_clock.code(secret, 1)).status_code == 200  # the next step's is fresh


def test_one_step_of_drift_either_way_is_accepted_two_are_not(api, secret, totp_clock):
    password_step(api)
    assert_error(second_step(api, totp_clock.code(secret, -2)), 400, "mfa_code_invalid")
    assert_error(second_step(api, totp_clock.code(secret, 2)), 400, "mfa_code_invalid")
    assert second_step(api, totp_clock.code(secret, -1)).status_code == 200


def test_five_wrong_codes_end_the_challenge(api, secret, totp_clock):
    password_step(api)
    bodies = [assert_error(second_step(api, "000000"), 400, "mfa_code_invalid") for _ in range(4)]
    assert "1 try left" in bodies[-1]["detail"]
    assert_error(second_step(api, "000000"), 401, "mfa_challenge_invalid")
    assert_error(second_step(api, totp_clock.code(secret)), 401, "mfa_challenge_invalid")


def test_an_expired_challenge_is_refused(api, secret, totp_clock):
    password_step(api)
    Challenge.objects.update(expires_at=timezone.now())
    assert_error(second_step(api, totp_clock.code(secret)), 401, "mfa_challenge_invalid")


def test_a_challenge_is_spent_by_its_sign_in(api, secret, totp_clock):
    token = password_step(api).cookies[cookie_name()].value
    assert second_step(api, totp_clock.code(secret)).status_code == 200
    api.cookies[cookie_name()] = token
    assert_error(second_step(api, totp_clock.code(secret, 1)), 401, "mfa_challenge_invalid")


def test_a_user_deactivated_after_the_password_step_cannot_finish(api, user, secret, totp_clock):
    password_step(api)
    user.is_active = False
    user.save()
    assert_error(second_step(api, totp_clock.code(secret)), 401, "mfa_challenge_invalid")


def test_guessing_is_limited_per_account_across_challenges(api, secret):
    password_step(api)
    statuses = [second_step(api, "000000").status_code for _ in range(4)]
    password_step(api)  # a new challenge: the account's count goes on
    statuses += [second_step(api, "000000").status_code for _ in range(2)]
    assert statuses == [400] * 5 + [429]


def test_guessing_is_limited_per_address_across_accounts(api, user, django_user_model):
    for name in ("carol", "dave", "erin"):
        verified = {"email_verified_at": timezone.now()}
        enable_totp(django_user_model.objects.create_user(name, f"{name}@example.com", PASSWORD, **verified))
    statuses = []
    for name in ("carol", "dave", "erin"):
        password_step(api, name)
        statuses += [second_step(api, "000000").status_code for _ in range(4)]
    assert statuses[:10] == [400] * 10 and statuses[10] == 429


def test_a_recovery_code_signs_in_once(api, user, secret, security_events):
    codes = give_recovery_codes(user)
    password_step(api)
    response = second_step(api, codes[0].upper().replace("-", " "))  # as typed: case and separators do not matter
    assert response.status_code == 200
    assert claims_of(response.json()["access"])["amr"] == ["pwd", "otp"]
    password_step(api)
    assert_error(second_step(api, codes[0]), 400, "mfa_code_invalid")
    assert RecoveryCode.objects.filter(user=user, used_at__isnull=True).count() == 9
    [event] = [record for record in security_events() if record.event == "mfa_recovery_code_used"]
    assert event.remaining == 9


def test_secrets_and_recovery_codes_are_not_stored_as_given(user):
    secret = enable_totp(user)
    codes = give_recovery_codes(user)
    device = TotpDevice.objects.get(user=user)
    assert secret not in device.encrypted_secret
    stored = set(RecoveryCode.objects.values_list("digest", flat=True))
    assert not stored & {code for code in codes} and not stored & {code.replace("-", "") for code in codes}
    assert all(len(digest) == 64 for digest in stored)
