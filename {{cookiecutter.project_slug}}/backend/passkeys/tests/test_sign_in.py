"""Signing in with a passkey and nothing else: the answer must be signed by a registered passkey
whose user handle it names, for a live challenge of ours; the session it starts counts as
multi-factor. Every way around it fails."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from authentication.conf import auth_settings
from authentication.testing import (
    BROWSER_HEADERS,
    ME_URL,
    PASSWORD,
    REFRESH_URL,
    assert_error,
    bearer,
    claims_of,
    events,
)
from mfa.testing import enable_totp
from passkeys.models import Ceremony, Passkey
from passkeys.testing import REGISTER_OPTIONS_URL, SIGN_IN_OPTIONS_URL, SIGN_IN_URL, SoftAuthenticator, remove_url

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in_options(client):
    response = client.post(SIGN_IN_OPTIONS_URL)
    assert response.status_code == 200, response.content
    assert "no-store" in response["Cache-Control"]
    return response.json()["options"]


def sign_in(client, credential):
    return client.post(SIGN_IN_URL, {"credential": credential}, format="json")


@pytest.fixture
def browser():
    """Another browser, with no session: where the passkey signs in."""
    return APIClient(**BROWSER_HEADERS)


def test_a_passkey_signs_in_without_a_password_and_counts_as_two_factors(browser, authenticator, passkey, user):
    options = sign_in_options(browser)
    assert options["allowCredentials"] == [] and options["userVerification"] == "required"
    response = sign_in(browser, authenticator.get(options))
    assert response.status_code == 200, response.content
    claims = claims_of(response.json()["access"])
    assert claims["amr"] == ["hwk", "mfa"] and claims["user_id"] == user.pk
    assert browser.get(ME_URL, **bearer(response.json()["access"])).status_code == 200
    assert auth_settings.REFRESH_COOKIE_NAME in response.cookies
    assert claims_of(browser.post(REFRESH_URL).json()["access"])["amr"] == ["hwk", "mfa"]
    stored = Passkey.objects.get()
    assert stored.sign_count == 1 and stored.last_used_at is not None


def test_a_passkey_needs_no_second_step_even_with_totp_on(browser, authenticator, passkey, user):
    enable_totp(user)
    response = sign_in(browser, authenticator.get(sign_in_options(browser)))
    assert response.status_code == 200 and "access" in response.json()


def test_an_unknown_passkey_signs_in_nobody(browser, passkey, security_events):
    stranger = SoftAuthenticator()
    stranger.create({"user": {"id": "AAAA"}, "rp": {"id": "app.example.test"}, "challenge": "AAAA"})
    assert_error(sign_in(browser, stranger.get(sign_in_options(browser))), 401, "passkey_rejected")
    assert events(security_events, "passkey_sign_in_failed")


def test_the_user_handle_must_be_the_passkeys_own(browser, authenticator, passkey, other_user):
    # The signature is right, but the answer claims another account's handle (WebAuthn 7.2 step 6).
    forged = authenticator.get(sign_in_options(browser), user_handle=b"\x00" * 64)
    assert_error(sign_in(browser, forged), 401, "passkey_rejected")
    assert_error(sign_in(browser, authenticator.get(sign_in_options(browser), user_handle=b"")), 401)


def test_a_bad_signature_is_refused(browser, authenticator, passkey):
    forged = authenticator.get(sign_in_options(browser), signature=b"\x30\x06\x02\x01\x01\x02\x01\x01")
    assert_error(sign_in(browser, forged), 401, "passkey_rejected")
    assert Passkey.objects.get().last_used_at is None


def test_an_answer_for_another_origin_is_refused(browser, authenticator, passkey):
    phished = authenticator.get(sign_in_options(browser), origin="https://app.example.test.evil.example")
    assert_error(sign_in(browser, phished), 401, "passkey_rejected")


def test_user_verification_is_required(browser, passkey, authenticator):
    authenticator.verifies_user = False
    assert_error(sign_in(browser, authenticator.get(sign_in_options(browser))), 401, "passkey_rejected")


def test_an_answer_works_once(browser, authenticator, passkey):
    answer = authenticator.get(sign_in_options(browser))
    assert sign_in(browser, answer).status_code == 200
    assert_error(sign_in(APIClient(**BROWSER_HEADERS), answer), 400, "passkey_ceremony_invalid")


def test_a_wrong_answer_spends_the_challenge_too(browser, authenticator, passkey):
    options = sign_in_options(browser)
    assert_error(sign_in(browser, authenticator.get(options, signature=b"\x30\x00")), 401)
    assert_error(sign_in(browser, authenticator.get(options)), 400, "passkey_ceremony_invalid")


def test_the_challenge_expires(browser, authenticator, passkey):
    options = sign_in_options(browser)
    Ceremony.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_error(sign_in(browser, authenticator.get(options)), 400, "passkey_ceremony_invalid")


def test_a_registration_challenge_does_not_sign_in(api, browser, access, authenticator, passkey):
    registration = api.post(REGISTER_OPTIONS_URL, {"current_password": PASSWORD}, format="json", **bearer(access))
    options = {"rpId": "app.example.test", "challenge": registration.json()["options"]["challenge"]}
    assert_error(sign_in(browser, authenticator.get(options)), 400, "passkey_ceremony_invalid")


def test_a_counter_that_goes_backwards_betrays_a_copy(browser, authenticator, passkey):
    assert sign_in(browser, authenticator.get(sign_in_options(browser))).status_code == 200
    authenticator.credentials[-1].sign_count = 0  # a clone of the key, made before that sign-in
    assert_error(sign_in(browser, authenticator.get(sign_in_options(browser))), 401, "passkey_rejected")


def test_a_synced_passkey_that_never_counts_still_signs_in(api, browser, access, register):
    device = SoftAuthenticator(counts=False)
    assert register(access, device=device).status_code == 201
    for _ in range(2):
        assert sign_in(browser, device.get(sign_in_options(browser))).status_code == 200


def test_an_inactive_or_unverified_account_does_not_sign_in(browser, authenticator, passkey, user, accounts):
    user.email_verified_at = None
    user.save()
    assert_error(sign_in(browser, authenticator.get(sign_in_options(browser))), 403, "email_unverified")
    user.is_active = False
    user.save()
    assert_error(sign_in(browser, authenticator.get(sign_in_options(browser))), 401, "passkey_rejected")


def test_a_cross_site_request_is_refused(bare_api, authenticator, passkey):
    assert_error(bare_api.post(SIGN_IN_OPTIONS_URL), 403, "csrf_failed")
    assert_error(bare_api.post(SIGN_IN_URL, {"credential": {}}, format="json"), 403, "csrf_failed")


def test_sign_in_ceremonies_are_throttled_per_address(browser):
    statuses = [browser.post(SIGN_IN_OPTIONS_URL).status_code for _ in range(20)]  # the default: 20 a minute
    assert statuses == [200] * 20
    assert_error(browser.post(SIGN_IN_OPTIONS_URL), 429)
    assert_error(sign_in(browser, {}), 429)
    # Other addresses are not held back.
    assert APIClient(**BROWSER_HEADERS, REMOTE_ADDR="127.0.0.2").post(SIGN_IN_OPTIONS_URL).status_code == 200


def test_removing_a_passkey_ends_the_sessions_passkeys_started(api, access, authenticator, passkey, user):
    other_browser = APIClient(**BROWSER_HEADERS)
    assert sign_in(other_browser, authenticator.get(sign_in_options(other_browser))).status_code == 200
    removed = api.post(remove_url(passkey["id"]), {"current_password": PASSWORD}, format="json", **bearer(access))
    assert removed.json() == {"ended": 1}
    assert_error(other_browser.post(REFRESH_URL), 401)
    assert api.post(REFRESH_URL).status_code == 200  # the password session of this browser goes on
    assert AuditEvent.objects.filter(user=user, event="passkey_removed").exists()


def test_a_passkey_meets_a_policy_that_requires_two_factors(browser, authenticator, passkey, mfa_settings_all):
    password = browser.post("/api/auth/login/", {"username": "alice", "password": PASSWORD}, format="json")
    assert password.status_code == 202 and password.json()["step"] == "enroll"
    assert sign_in(APIClient(**BROWSER_HEADERS), authenticator.get(sign_in_options(browser))).status_code == 200


@pytest.fixture
def mfa_settings_all(settings):
    settings.MFA = {**settings.MFA, "REQUIRED": "all"}
