"""Adding, listing, naming and removing passkeys: each needs the owner (and adding or removing,
re-authentication); the server checks origin, relying party, challenge and user verification of
every answer (WebAuthn Level 3, 7.1; ASVS 5.0 6.5)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from webauthn.helpers import bytes_to_base64url

from audit.models import AuditEvent
from authentication.models import Session
from authentication.testing import BROWSER_HEADERS, PASSWORD, REFRESH_URL, assert_error, bearer, claims_of
from passkeys.models import Ceremony, Passkey, UserHandle
from passkeys.testing import (
    PASSKEYS_URL,
    REGISTER_OPTIONS_URL,
    REGISTER_URL,
    RP_ID,
    SoftAuthenticator,
    passkey_url,
    remove_url,
)

pytestmark = pytest.mark.django_db(transaction=True)


def options_for(api, access, password=PASSWORD):
    response = api.post(REGISTER_OPTIONS_URL, {"current_password": password}, format="json", **bearer(access))
    assert response.status_code == 200, response.content
    return response.json()["options"]


def other_browser(login, other_user) -> tuple[APIClient, str]:
    """Another user, signed in in a browser of their own (its cookies are theirs)."""
    client = APIClient(**BROWSER_HEADERS)
    return client, login(username=other_user.username, client=client).json()["access"]


def finish(api, access, credential, name="Phone"):
    return api.post(REGISTER_URL, {"credential": credential, "name": name}, format="json", **bearer(access))


def test_options_ask_for_a_discoverable_verified_passkey_of_this_relying_party(api, access, user, settings):
    options = options_for(api, access)
    assert options["rp"] == {"name": settings.PROJECT_NAME, "id": RP_ID}
    selection = options["authenticatorSelection"]
    assert selection["residentKey"] == "required" and selection["userVerification"] == "required"
    # The user handle is random, not the account's id or name (WebAuthn Level 3, 14.6.1).
    handle = UserHandle.objects.get(user=user)
    assert len(bytes(handle.handle)) == 64 and options["user"]["name"] == "alice"
    assert options["user"]["id"] == bytes_to_base64url(bytes(handle.handle))
    assert Ceremony.objects.filter(user=user, purpose=Ceremony.REGISTER, used_at__isnull=True).count() == 1


def test_a_passkey_is_registered_and_listed_with_its_flags(api, access, register, user):
    response = register(access, name="Work laptop")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Work laptop" and body["backup_eligible"] and body["backed_up"]
    assert body["transports"] == ["internal", "hybrid"] and body["last_used_at"] is None
    stored = Passkey.objects.get(user=user)
    assert stored.sign_count == 0 and bytes(stored.public_key)  # the public key only
    listed = api.get(PASSKEYS_URL, **bearer(access)).json()
    assert [entry["id"] for entry in listed] == [body["id"]]
    assert AuditEvent.objects.filter(user=user, event="passkey_registered").exists()


def test_adding_a_passkey_needs_re_authentication(api, access, user):
    Session.objects.filter(pk=claims_of(access)["sid"]).update(authenticated_at=timezone.now() - timedelta(hours=1))
    stale = api.post(REFRESH_URL).json()["access"]
    assert_error(api.post(REGISTER_OPTIONS_URL, {}, format="json", **bearer(stale)), 403, "reauthentication_required")
    wrong = api.post(REGISTER_OPTIONS_URL, {"current_password": "nope"}, format="json", **bearer(stale))
    assert_error(wrong, 403, "password_incorrect")
    assert not Ceremony.objects.exists()
    assert options_for(api, stale)["challenge"]


@pytest.mark.parametrize(
    "change",
    [
        {"origin": "https://evil.example"},  # a phishing page's origin
        {"rp_id": "evil.example"},  # a passkey of another relying party
    ],
    ids=["other-origin", "other-rp-id"],
)
def test_an_answer_from_elsewhere_is_refused(api, access, authenticator, change):
    credential = authenticator.create(options_for(api, access), **change)
    assert_error(finish(api, access, credential), 400, "passkey_rejected")
    assert not Passkey.objects.exists()


def test_a_passkey_without_user_verification_is_refused(api, access):
    device = SoftAuthenticator(verifies_user=False)
    assert_error(finish(api, access, device.create(options_for(api, access))), 400, "passkey_rejected")


def test_a_challenge_works_once_and_expires(api, access, authenticator, settings):
    options = options_for(api, access)
    assert finish(api, access, authenticator.create(options)).status_code == 201
    assert_error(finish(api, access, SoftAuthenticator().create(options)), 400, "passkey_ceremony_invalid")
    late = options_for(api, access)
    Ceremony.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_error(finish(api, access, SoftAuthenticator().create(late)), 400, "passkey_ceremony_invalid")
    assert Passkey.objects.count() == 1


def test_another_users_challenge_does_not_register(api, access, user, other_user, login, authenticator):
    theirs = options_for(api, access)  # alice's registration options
    other, other_access = other_browser(login, other_user)
    response = finish(other, other_access, authenticator.create(theirs))
    assert_error(response, 400, "passkey_ceremony_invalid")
    assert not Passkey.objects.exists()


@pytest.mark.parametrize(
    "credential",
    [{}, {"id": "x"}, {"id": "x", "rawId": "x", "response": {"clientDataJSON": "%%%", "attestationObject": "x"}}],
    ids=["empty", "no-response", "garbage"],
)
def test_a_malformed_answer_is_a_400(api, access, credential):
    assert_error(finish(api, access, credential), 400, "passkey_rejected")
    assert_error(api.post(REGISTER_URL, {"credential": "nope", "name": "x"}, format="json", **bearer(access)), 400)


def test_the_same_authenticator_cannot_be_registered_twice(api, access, authenticator, passkey):
    options = options_for(api, access)
    registered = authenticator.credentials[0].credential_id
    assert options["excludeCredentials"] == [{"id": bytes_to_base64url(registered), "type": "public-key"}]
    # An authenticator that ignores the list and answers with the same credential is refused.
    again = authenticator.create(options, credential_id=registered)
    assert_error(finish(api, access, again), 400, "passkey_exists")
    assert Passkey.objects.count() == 1


def test_an_account_holds_a_limited_number_of_passkeys(api, access, register, settings):
    settings.PASSKEYS = {**settings.PASSKEYS, "MAX_PER_USER": 1}
    second = SoftAuthenticator().create(options_for(api, access))  # started while there was room
    assert register(access).status_code == 201
    response = api.post(REGISTER_OPTIONS_URL, {"current_password": PASSWORD}, format="json", **bearer(access))
    assert_error(response, 409, "passkey_limit")
    assert_error(finish(api, access, second), 409, "passkey_limit")
    assert Passkey.objects.count() == 1


def test_renaming_needs_the_owner(api, access, passkey, other_user, login):
    renamed = api.patch(passkey_url(passkey["id"]), {"name": "Old phone"}, format="json", **bearer(access))
    assert renamed.status_code == 200 and renamed.json()["name"] == "Old phone"
    other, other_access = other_browser(login, other_user)
    theirs = other.patch(passkey_url(passkey["id"]), {"name": "Mine now"}, format="json", **bearer(other_access))
    assert_error(theirs, 404)
    assert other.get(PASSKEYS_URL, **bearer(other_access)).json() == []
    assert Passkey.objects.get().name == "Old phone"


def test_removing_needs_the_owner_and_re_authentication(api, access, passkey, other_user, login):
    url = remove_url(passkey["id"])
    other, other_access = other_browser(login, other_user)
    assert_error(other.post(url, {"current_password": PASSWORD}, format="json", **bearer(other_access)), 404)
    assert_error(
        api.post(url, {"current_password": "wrong"}, format="json", **bearer(access)), 403, "password_incorrect"
    )
    response = api.post(url, {"current_password": PASSWORD}, format="json", **bearer(access))
    assert response.status_code == 200 and response.json() == {"ended": 0}
    assert not Passkey.objects.exists()
    assert_error(api.post(url, {"current_password": PASSWORD}, format="json", **bearer(access)), 404)


def test_every_endpoint_needs_a_signed_in_user(bare_api, passkey):
    for method, url in [
        ("get", PASSKEYS_URL),
        ("post", REGISTER_OPTIONS_URL),
        ("post", REGISTER_URL),
        ("patch", passkey_url(passkey["id"])),
        ("post", remove_url(passkey["id"])),
    ]:
        assert_error(getattr(bare_api, method)(url, {}, format="json"), 401)


def test_staff_remove_a_lost_passkey_in_the_admin_and_it_is_audited(admin_client, passkey, user, authenticator):
    listed = admin_client.get("/admin/passkeys/passkey/")
    assert listed.status_code == 200 and b"Phone" in listed.content
    response = admin_client.post("/admin/passkeys/passkey/", {"action": "remove", "_selected_action": [passkey["id"]]})
    assert response.status_code == 302
    assert not Passkey.objects.exists()
    [event] = AuditEvent.objects.filter(event="passkey_removed")
    assert event.user_id == user.pk and event.details["by_user_id"] != user.pk
