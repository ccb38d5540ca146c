"""Setting up, confirming and turning off an authenticator, and new recovery codes, for a signed-in
user (each with re-authentication, ASVS 5.0 6.4.3, 7.5.1); MFA required by a setting, with the
authenticator set up as the second step of the sign-in; staff resetting a user's MFA."""

import io
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from authentication.models import Session
from authentication.testing import (
    BROWSER_HEADERS,
    LOGIN_URL,
    ME_URL,
    PASSWORD,
    REFRESH_URL,
    assert_error,
    bearer,
    claims_of,
    start_bound_session,
)
from mfa import totp
from mfa.models import RecoveryCode, TotpDevice
from mfa.testing import (
    MFA_ENROLL_URL,
    MFA_URL,
    MFA_VERIFY_URL,
    RECOVERY_CODES_URL,
    TOTP_CONFIRM_URL,
    TOTP_DISABLE_URL,
    TOTP_URL,
    enable_totp,
)

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(username="alice") -> tuple[APIClient, str]:
    client = APIClient(**BROWSER_HEADERS)
    response = client.post(LOGIN_URL, {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return client, response.json()["access"]


def password_login(username="alice"):
    """A sign-in from another browser (this client's cookies stay as they are)."""
    return APIClient(**BROWSER_HEADERS).post(LOGIN_URL, {"username": username, "password": PASSWORD}, format="json")


def signed_in_long_ago(client: APIClient, access: str) -> str:
    """An access token of the same session whose sign-in was an hour ago."""
    Session.objects.filter(pk=claims_of(access)["sid"]).update(authenticated_at=timezone.now() - timedelta(hours=1))
    return client.post(REFRESH_URL).json()["access"]


def set_up(client, access, clock) -> tuple[str, list[str]]:
    setup = client.post(TOTP_URL, {}, format="json", **bearer(access))
    assert setup.status_code == 200, setup.content
    secret = setup.json()["secret"]
    confirmed = client.post(TOTP_CONFIRM_URL, {"code": clock.code(secret)}, format="json", **bearer(access))
    assert confirmed.status_code == 200, confirmed.content
    return secret, confirmed.json()["recovery_codes"]


def test_setting_up_shows_the_secret_once_and_is_active_only_once_confirmed(user, totp_clock, settings):
    client, access = signed_in()
    response = client.post(TOTP_URL, {}, format="json", **bearer(access))
    body = response.json()
    assert body["otpauth_uri"].startswith("otpauth://totp/") and f"secret={body['secret']}" in body["otpauth_uri"]
    assert "issuer=" in body["otpauth_uri"] and body["qr_code_svg"].startswith("data:image/svg+xml")
    assert "no-store" in response["Cache-Control"]
    assert client.get(MFA_URL, **bearer(access)).json() == {"totp": False, "recovery_codes_left": 0, "required": False}
    assert password_login().status_code == 200

    assert_error(
        client.post(TOTP_CONFIRM_URL, {"code": "123456"}, format="json", **bearer(access)), 400, "mfa_code_invalid"
    )
    confirmed = client.post(
        TOTP_CONFIRM_URL, {"code": totp_clock.code(body["secret"])}, format="json", **bearer(access)
    )
    codes = confirmed.json()["recovery_codes"]
    assert len(codes) == len(set(codes)) == 10
    assert client.get(MFA_URL, **bearer(access)).json() == {"totp": True, "recovery_codes_left": 10, "required": False}
    assert password_login().status_code == 202
    assert AuditEvent.objects.filter(event="mfa_enabled", user=user).count() == 1


def test_changes_need_re_authentication(user, totp_clock):
    client, access = signed_in()
    access = signed_in_long_ago(client, access)
    assert_error(client.post(TOTP_URL, {}, format="json", **bearer(access)), 403, "reauthentication_required")
    wrong = {"current_password": "not-the-password"}
    assert_error(client.post(TOTP_URL, wrong, format="json", **bearer(access)), 403, "password_incorrect")
    right = {"current_password": PASSWORD}
    assert client.post(TOTP_URL, right, format="json", **bearer(access)).status_code == 200
    enable_totp(user)
    for url in (RECOVERY_CODES_URL, TOTP_DISABLE_URL):
        assert_error(client.post(url, {}, format="json", **bearer(access)), 403, "reauthentication_required")
    assert TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def test_setting_up_twice_is_a_conflict(user):
    enable_totp(user)
    client, access = signed_in_with_mfa_skipped(user)
    assert_error(client.post(TOTP_URL, {}, format="json", **bearer(access)), 409, "mfa_already_enabled")


def signed_in_with_mfa_skipped(user) -> tuple[APIClient, str]:
    """A session started directly (as after a second step)."""
    client = APIClient(**BROWSER_HEADERS)
    return client, start_bound_session(user, client).access


def test_new_recovery_codes_replace_the_old_ones(user, totp_clock):
    client, access = signed_in()
    _, old = set_up(client, access, totp_clock)
    new = client.post(RECOVERY_CODES_URL, {}, format="json", **bearer(access)).json()["recovery_codes"]
    assert not set(old) & set(new)
    login = APIClient(**BROWSER_HEADERS)
    login.post(LOGIN_URL, {"username": "alice", "password": PASSWORD}, format="json")
    assert_error(login.post(MFA_VERIFY_URL, {"code": old[0]}, format="json"), 400, "mfa_code_invalid")
    assert login.post(MFA_VERIFY_URL, {"code": new[0]}, format="json").status_code == 200


def test_turning_off_ends_every_other_session(user, totp_clock):
    client, access = signed_in()
    other, other_access = signed_in()
    set_up(client, access, totp_clock)
    response = client.post(TOTP_DISABLE_URL, {}, format="json", **bearer(access))
    assert response.json() == {"ended": 1}
    assert_error(other.get(ME_URL, **bearer(other_access)), 401, "session_revoked")
    assert client.get(ME_URL, **bearer(access)).status_code == 200
    assert not TotpDevice.objects.filter(user=user).exists() and not RecoveryCode.objects.filter(user=user).exists()
    assert password_login().status_code == 200
    assert_error(client.post(TOTP_DISABLE_URL, {}, format="json", **bearer(access)), 409, "mfa_not_enabled")


def test_required_mfa_sets_up_the_authenticator_as_the_second_step(user, totp_clock, settings):
    settings.MFA = {**settings.MFA, "REQUIRED": "all"}
    client = APIClient(**BROWSER_HEADERS)
    step = client.post(LOGIN_URL, {"username": "alice", "password": PASSWORD}, format="json")
    assert (step.status_code, step.json()["step"], step.json()["methods"]) == (202, "enroll", ["totp"])
    assert_error(client.post(MFA_VERIFY_URL, {"code": "123456"}, format="json"), 400, "mfa_code_invalid")
    secret = client.post(MFA_ENROLL_URL, format="json").json()["secret"]
    done = client.post(MFA_VERIFY_URL, {"code": totp_clock.code(secret)}, format="json")
    assert done.status_code == 200, done.content
    assert len(done.json()["recovery_codes"]) == 10 and claims_of(done.json()["access"])["amr"] == ["pwd", "otp"]
    access = done.json()["access"]
    assert client.get(MFA_URL, **bearer(access)).json()["required"] is True
    body = assert_error(
        client.post(TOTP_DISABLE_URL, {}, format="json", **bearer(access)), 409, "mfa_required_by_policy"
    )
    assert "must use a second factor" in body["detail"]


def test_an_enroll_step_is_not_offered_to_a_user_who_already_has_an_authenticator(user, settings):
    settings.MFA = {**settings.MFA, "REQUIRED": "all"}
    enable_totp(user)
    client = APIClient(**BROWSER_HEADERS)
    assert password_login().json()["step"] == "verify"
    assert_error(client.post(MFA_ENROLL_URL, format="json"), 401, "mfa_challenge_invalid")
    assert TotpDevice.objects.get(user=user).confirmed  # not replaced


def test_an_enroll_step_cannot_replace_an_authenticator_set_up_meanwhile(user, settings):
    settings.MFA = {**settings.MFA, "REQUIRED": "all"}
    client = APIClient(**BROWSER_HEADERS)
    assert client.post(LOGIN_URL, {"username": "alice", "password": PASSWORD}, format="json").json()["step"] == "enroll"
    enable_totp(user)  # elsewhere, before this sign-in went on
    assert_error(client.post(MFA_ENROLL_URL, format="json"), 401, "mfa_challenge_invalid")
    assert TotpDevice.objects.get(user=user).confirmed


def test_required_for_staff_leaves_other_users_alone(user, other_user, settings):
    settings.MFA = {**settings.MFA, "REQUIRED": "staff"}
    other_user.is_staff = True
    other_user.save()
    assert password_login().status_code == 200
    assert password_login("bob").json()["step"] == "enroll"


def test_staff_reset_a_users_mfa_in_the_admin_and_it_is_audited(user, other_user):
    enable_totp(user)
    other_user.is_staff = other_user.is_superuser = True
    other_user.save()
    request = RequestFactory().post("/admin/mfa/totpdevice/")
    request.user = other_user
    model_admin = site.get_model_admin(TotpDevice)
    model_admin.message_user = lambda *args, **kwargs: None
    model_admin.reset(request, TotpDevice.objects.filter(user=user))
    assert not TotpDevice.objects.filter(user=user).exists()
    [event] = AuditEvent.objects.filter(event="mfa_reset")
    assert event.user_id == user.pk and event.details["by_user_id"] == other_user.pk


def test_a_new_key_encrypts_again_and_the_old_one_still_reads(user, settings, totp_clock):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.MFA = {**settings.MFA, "ENCRYPTION_KEYS": [old_key]}
    secret = enable_totp(user)
    settings.MFA = {**settings.MFA, "ENCRYPTION_KEYS": [new_key, old_key]}
    device = totp.device_of(user, confirmed=True)
    assert totp.accept_code(device, totp_clock.code(secret))
    call_command("rotate_mfa_key", stdout=io.StringIO())
    settings.MFA = {**settings.MFA, "ENCRYPTION_KEYS": [new_key]}
    assert totp.accept_code(totp.device_of(user, confirmed=True), totp_clock.code(secret, 1))
