"""The links in account email: signed, expiring, single-use tokens, on pages of the web app.

A link's origin is ``FRONTEND_URL``, a setting per environment, never the request's ``Host``:
a forged ``Host`` would otherwise send a victim a reset link to the attacker's site (OWASP WSTG-INPV-17).
The token travels in the URL fragment, which the browser keeps to itself: it is not in server
logs or ``Referer`` headers (ASVS 5.0 14.2.1).

- Email verification and email change: ``django.core.signing`` (HMAC with SECRET_KEY, a salt per
  purpose, a timestamp for expiry). Each token names the address it is about; one that no longer
  matches the account (verified since, changed since) is spent.
- Password reset: Django's ``PasswordResetTokenGenerator``, whose token hashes the password and the
  last sign-in, so a new password or a new sign-in spends it; ``PASSWORD_RESET_TIMEOUT`` ends it.
"""

import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from rest_framework.exceptions import APIException

from .conf import account_settings

VERIFY_EMAIL_SALT = "accounts.verify-email"
EMAIL_CHANGE_SALT = "accounts.email-change"


class LinkInvalid(APIException):
    status_code = 400
    default_detail = "This link is not valid: it was changed, already used, or replaced by a newer one."
    default_code = "link_invalid"


class LinkExpired(APIException):
    status_code = 400
    default_detail = "This link has expired. Ask for a new one."
    default_code = "link_expired"


def page_link(path: str, **fragment: str) -> str:
    link = f"{settings.FRONTEND_URL.rstrip('/')}{path}"
    return f"{link}#{urlencode(fragment)}" if fragment else link


def address_hint(email: str) -> str:
    """``j***@example.com``: enough for the owner to recognise an address, not to learn it."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def _address_digest(email: str) -> str:
    return hashlib.sha256(email.casefold().encode()).hexdigest()[:32]


def _signed(payload: dict, salt: str) -> str:
    return signing.dumps(payload, salt=salt, compress=True)


def _unsigned(token: str, salt: str, max_age) -> dict:
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkExpired() from None
    except signing.BadSignature:
        raise LinkInvalid() from None
    if not isinstance(payload, dict):
        raise LinkInvalid()
    return payload


def _user(pk) -> object:
    user = get_user_model().objects.filter(pk=pk, is_active=True).first() if isinstance(pk, int) else None
    if user is None:
        raise LinkInvalid()
    return user


# --- Email verification ----------------------------------------------------------------------


def verify_email_token(user) -> str:
    return _signed({"user": user.pk, "email": _address_digest(user.email)}, VERIFY_EMAIL_SALT)


def verify_email_link(user) -> str:
    return page_link(account_settings.VERIFY_EMAIL_PATH, token=verify_email_token(user))


def user_of_verify_email_token(token: str):
    """The account whose current address this token verifies."""
    payload = _unsigned(token, VERIFY_EMAIL_SALT, account_settings.VERIFY_EMAIL_LINK_LIFETIME)
    user = _user(payload.get("user"))
    if not user.email or payload.get("email") != _address_digest(user.email):
        raise LinkInvalid()  # the address has changed since the link was sent
    return user


# --- Email change -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmailChange:
    user: object
    new_email: str

    @property
    def done(self) -> bool:
        return self.user.email.casefold() == self.new_email.casefold()


def email_change_token(user, new_email: str) -> str:
    return _signed({"user": user.pk, "from": _address_digest(user.email), "to": new_email}, EMAIL_CHANGE_SALT)


def email_change_link(user, new_email: str) -> str:
    return page_link(account_settings.CONFIRM_EMAIL_CHANGE_PATH, token=email_change_token(user, new_email))


def email_change_of_token(token: str) -> EmailChange:
    """The change this token confirms; ``done`` when it has already been made (a second click)."""
    payload = _unsigned(token, EMAIL_CHANGE_SALT, account_settings.EMAIL_CHANGE_LINK_LIFETIME)
    new_email = payload.get("to")
    if not isinstance(new_email, str):
        raise LinkInvalid()
    change = EmailChange(_user(payload.get("user")), new_email)
    if not change.done and payload.get("from") != _address_digest(change.user.email):
        raise LinkInvalid()  # the address changed another way since this link was sent
    return change


# --- Password reset -----------------------------------------------------------------------------


def password_reset_token(user) -> str:
    return f"{urlsafe_base64_encode(force_bytes(user.pk))}.{default_token_generator.make_token(user)}"


def password_reset_link(user) -> str:
    return page_link(account_settings.RESET_PASSWORD_PATH, token=password_reset_token(user))


def user_of_password_reset_token(token: str):
    """The account this token may set a new password for; the token says nothing more specific
    when it fails (expired and spent look the same to Django's generator)."""
    uid, _, secret = token.partition(".")
    try:
        pk = int(urlsafe_base64_decode(uid).decode())
    except (ValueError, UnicodeDecodeError):
        raise LinkInvalid() from None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, secret):
        raise LinkInvalid(
            "This password reset link is not valid: it has expired, was already used, or a newer one was sent."
        )
    return user
