"""A native app's sign-in with a second factor: the challenge comes in the body, the tokens only
after the code; the app cannot skip the step, nor use the challenge as a token."""

import pytest
from rest_framework.test import APIClient

from authentication.testing import PASSWORD, assert_error, bearer, claims_of
from mfa.testing import enable_totp, give_recovery_codes
from mobile_endpoints.tests.test_mobile_endpoints import LOGIN, ME, REFRESH, app_headers, assert_no_cookies, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

VERIFY = "/api/auth/mobile/mfa/verify/"
ENROLL = "/api/auth/mobile/mfa/enroll/"


@pytest.fixture
def app() -> APIClient:
    return APIClient()


@pytest.fixture
def secret(user) -> str:
    return enable_totp(user)


def test_the_password_step_answers_a_challenge_in_the_body_and_no_token(app, secret):
    response = sign_in(app)
    assert response.status_code == 202
    body = response.json()
    assert body["step"] == "verify" and isinstance(body["challenge"], str)
    assert "access" not in body and "refresh" not in body
    assert_no_cookies(response)


def test_a_code_with_the_challenge_gives_the_tokens(app, secret, totp_clock):
    challenge = sign_in(app).json()["challenge"]
    response = app.post(VERIFY, {"challenge": challenge, "code": totp_clock.code(secret)}, format="json")
    assert response.status_code == 200, response.content
    signed_in = response.json()
    assert claims_of(signed_in["access"])["amr"] == ["pwd", "otp"]
    assert app.get(ME, **bearer(signed_in["access"]), **app_headers(signed_in)).status_code == 200
    refreshed = app.post(REFRESH, {"refresh": signed_in["refresh"]}, format="json", **app_headers(signed_in))
    assert claims_of(refreshed.json()["access"])["amr"] == ["pwd", "otp"]
    assert_no_cookies(response)


def test_the_app_cannot_skip_the_second_step(app, secret):
    challenge = sign_in(app).json()["challenge"]
    assert_error(app.post(REFRESH, {"refresh": challenge}, format="json"), 401)
    assert_error(app.get(ME, **bearer(challenge)), 401)
    assert_error(
        app.post(VERIFY, {"challenge": "made-up", "code": "123456"}, format="json"), 401, "mfa_challenge_invalid"
    )


def test_a_challenge_works_once_and_a_recovery_code_too(app, user, secret, totp_clock):
    codes = give_recovery_codes(user)
    challenge = sign_in(app).json()["challenge"]
    assert app.post(VERIFY, {"challenge": challenge, "code": codes[0]}, format="json").status_code == 200
    again = app.post(VERIFY, {"challenge": challenge, "code": totp_clock.code(secret)}, format="json")
    assert_error(again, 401, "mfa_challenge_invalid")
    challenge = sign_in(app).json()["challenge"]
    assert_error(app.post(VERIFY, {"challenge": challenge, "code": codes[0]}, format="json"), 400, "mfa_code_invalid")


def test_an_app_sets_up_a_required_authenticator_as_the_second_step(app, user, totp_clock, settings):
    settings.MFA = {**settings.MFA, "REQUIRED": "all"}
    step = sign_in(app).json()
    assert step["step"] == "enroll"
    secret = app.post(ENROLL, {"challenge": step["challenge"]}, format="json").json()["secret"]
    done = app.post(VERIFY, {"challenge": step["challenge"], "code": totp_clock.code(secret)}, format="json")
    assert done.status_code == 200 and len(done.json()["recovery_codes"]) == 10


def test_the_login_body_still_rejects_what_it_always_did(app, user):
    assert_error(app.post(LOGIN, {"username": "alice", "password": PASSWORD + "x"}, format="json"), 401)
