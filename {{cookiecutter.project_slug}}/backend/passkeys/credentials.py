"""Registering a passkey and signing in with one, on the ``webauthn`` library (py_webauthn).

Every response must come from one of the allowed origins for this relying party, answer a live
challenge of ours, and carry user verification (a PIN or biometric on the authenticator): that
is what lets a passkey alone count as two factors. Passkeys are discoverable credentials, so a
sign-in names no account; the authenticator returns the account's user handle, which must be
the one the passkey was registered with (WebAuthn Level 3, 7.2 step 6).
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    generate_user_handle,
    options_to_json_dict,
    parse_authentication_credential_json,
    parse_client_data_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from . import ceremonies
from .conf import passkey_settings
from .models import Ceremony, Passkey, UserHandle

# Malformed input the library does not wrap in its own exceptions (bad base64, bad UTF-8).
MALFORMED = (WebAuthnException, ValueError, TypeError, KeyError)


class PasskeyRejected(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "passkey_rejected"
    default_detail = "The passkey's answer could not be verified. Try again."


class SignInRejected(PasskeyRejected):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "That passkey does not sign in to any account here."


def _handle_of(user) -> bytes:
    handle, _ = UserHandle.objects.get_or_create(user=user, defaults={"handle": generate_user_handle()})
    return bytes(handle.handle)


def _challenge_of(client_data_json: bytes) -> bytes:
    return parse_client_data_json(client_data_json).challenge


# --- Registration (a signed-in user adds a passkey) ------------------------------------------


def registration_options(user) -> dict:
    """Options for ``navigator.credentials.create()`` (as JSON, for ``startRegistration``)."""
    options = generate_registration_options(
        rp_id=passkey_settings.RP_ID,
        rp_name=passkey_settings.RP_NAME,
        user_id=_handle_of(user),
        user_name=user.get_username(),
        user_display_name=user.email or user.get_username(),
        challenge=ceremonies.issue(Ceremony.REGISTER, user),
        timeout=int(passkey_settings.CEREMONY_LIFETIME.total_seconds() * 1000),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        # The authenticator refuses to make a second passkey for the same account.
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(credential_id))
            for credential_id in user.passkeys.values_list("credential_id", flat=True)
        ],
    )
    return options_to_json_dict(options)


def register(user, credential: dict, name: str) -> Passkey:
    try:
        parsed = parse_registration_credential_json(credential)
        challenge = _challenge_of(parsed.response.client_data_json)
    except MALFORMED as error:
        raise PasskeyRejected("This is not a passkey registration response.") from error
    ceremonies.spend(Ceremony.REGISTER, challenge, user)
    try:
        verified = verify_registration_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=passkey_settings.RP_ID,
            expected_origin=passkey_settings.ORIGINS,
            require_user_verification=True,
        )
    except MALFORMED as error:
        raise PasskeyRejected() from error
    credential_id = bytes_to_base64url(verified.credential_id)
    try:
        with transaction.atomic():
            return Passkey.objects.create(
                user=user,
                name=name,
                credential_id=credential_id,
                public_key=verified.credential_public_key,
                sign_count=verified.sign_count,
                aaguid=str(verified.aaguid),
                transports=[str(transport.value) for transport in parsed.response.transports or []],
                backup_eligible=verified.credential_device_type == "multi_device",
                backed_up=verified.credential_backed_up,
                created_at=timezone.now(),
            )
    except IntegrityError as error:
        raise PasskeyRejected("This passkey is already registered.", code="passkey_exists") from error


# --- Sign-in (no account named: the passkey says whose it is) --------------------------------


def sign_in_options() -> dict:
    """Options for ``navigator.credentials.get()`` with no allowed list: any passkey of ours."""
    options = generate_authentication_options(
        rp_id=passkey_settings.RP_ID,
        challenge=ceremonies.issue(Ceremony.SIGN_IN),
        timeout=int(passkey_settings.CEREMONY_LIFETIME.total_seconds() * 1000),
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return options_to_json_dict(options)


@dataclass(frozen=True)
class Asserted:
    passkey: Passkey
    user: object


def authenticate(credential: dict) -> Asserted:
    """The passkey and account this sign-in response proves, or ``SignInRejected``."""
    try:
        parsed = parse_authentication_credential_json(credential)
        challenge = _challenge_of(parsed.response.client_data_json)
    except MALFORMED as error:
        raise PasskeyRejected("This is not a passkey sign-in response.") from error
    ceremonies.spend(Ceremony.SIGN_IN, challenge)
    passkey = (
        Passkey.objects.select_related("user", "user__passkey_handle")
        .filter(credential_id=bytes_to_base64url(parsed.raw_id), user__is_active=True)
        .first()
    )
    if passkey is None or parsed.response.user_handle != bytes(passkey.user.passkey_handle.handle):
        raise SignInRejected()
    try:
        verified = verify_authentication_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=passkey_settings.RP_ID,
            expected_origin=passkey_settings.ORIGINS,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except MALFORMED as error:  # a bad signature, a counter gone backwards, no user verification
        raise SignInRejected("The passkey's answer could not be verified.") from error
    used = Passkey.objects.filter(pk=passkey.pk)
    if verified.new_sign_count:
        # Counted authenticators only move forward: two sign-ins with one count mean a copy.
        used = used.filter(sign_count__lt=verified.new_sign_count)
    if not used.update(
        sign_count=verified.new_sign_count, backed_up=verified.credential_backed_up, last_used_at=timezone.now()
    ):
        raise SignInRejected("The passkey's answer could not be verified.")
    return Asserted(passkey, passkey.user)
