"""The account lifecycle over email: sign-up, verification, password reset, email change.

The views read requests and call these. Where an answer could tell whether an account exists
(sign-up, resend, reset), every path does the same work, a password hash included where a
password is given, and mail goes out after the response (accounts.mail), so neither the answer
nor its timing says which path ran (ASVS 5.0 6.3.8). What differs is only what the mailbox's
owner is told.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.timesince import timeuntil
from rest_framework.exceptions import APIException, ValidationError

from authentication.security_log import security_event

from . import links, notifications
from .conf import account_settings
from .mail import send_account_email


def _lifetime(duration) -> str:
    """ "3 days", "1 hour": how long a link works, for the email."""
    now = timezone.now()
    return timeuntil(now + duration, now).replace("\xa0", " ")


def _account_links() -> dict:
    return {
        "sign_in_link": links.page_link(account_settings.SIGN_IN_PATH),
        "forgot_password_link": links.page_link(account_settings.FORGOT_PASSWORD_PATH),
    }


def check_password_policy(password: str, user, field: str) -> None:
    """The configured validators (config.settings.base.AUTH_PASSWORD_VALIDATORS), as a 400 on ``field``."""
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as error:
        raise ValidationError({field: list(error.messages)}) from error


def send_verification(user) -> None:
    lifetime = _lifetime(account_settings.VERIFY_EMAIL_LINK_LIFETIME)
    send_account_email("verify_email", user.email, link=links.verify_email_link(user), lifetime=lifetime)


# --- Sign-up ------------------------------------------------------------------------------------


def sign_up(request, username: str, email: str, password: str) -> None:
    """Create an unverified account and send its verification link, or tell the address's owner
    why not. The caller has validated the password against these details."""
    accounts = get_user_model().objects
    if accounts.with_email(email).exists():
        make_password(password)  # the work an account's creation would have done
        security_event("signup_refused", request, reason="email_in_use")
        send_account_email("signup_account_exists", email, **_account_links())
        return
    user = get_user_model()(username=username, email=email)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the username is taken (or both were, by a sign-up a moment ago)
        security_event("signup_refused", request, reason="username_in_use")
        sign_up_link = links.page_link(account_settings.SIGN_UP_PATH)
        send_account_email("signup_username_taken", email, sign_up_link=sign_up_link)
        return
    security_event("signup", request, user_id=user.pk)
    send_verification(user)


# --- Email verification -------------------------------------------------------------------------


def verify_email(request, token: str):
    """Mark the address verified; a second use of the link changes nothing."""
    user = links.user_of_verify_email_token(token)
    if not user.email_verified:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        security_event("email_verified", request, user_id=user.pk)
    return user


def resend_verification(request, email: str) -> None:
    user = get_user_model().objects.with_email(email).filter(is_active=True, email_verified_at=None).first()
    security_event("verification_resend_requested", request, user_id=user.pk if user else None)
    if user is not None:
        send_verification(user)


# --- Password reset -----------------------------------------------------------------------------


def request_password_reset(request, email: str) -> None:
    user = get_user_model().objects.with_email(email).filter(is_active=True).first()
    usable = user is not None and user.has_usable_password()
    security_event("password_reset_requested", request, user_id=user.pk if usable else None)
    if usable:
        lifetime = _lifetime(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT))
        link = links.password_reset_link(user)
        send_account_email("password_reset", user.email, link=link, username=user.username, lifetime=lifetime)


def reset_password(request, token: str, new_password: str) -> None:
    """Set a new password from a reset link. Saving it ends every session of the account, access
    tokens included (authentication.receivers); following the link also proves the address."""
    user = links.user_of_password_reset_token(token)
    check_password_policy(new_password, user, "new_password")
    user.set_password(new_password)
    if not user.email_verified:
        user.email_verified_at = timezone.now()
    user.save()
    security_event("password_reset", request, user_id=user.pk)  # the owner is told (accounts.notifications)


# --- Email change -------------------------------------------------------------------------------


def request_email_change(request, user, new_email: str) -> None:
    """Send the new address a confirmation link and the current one a notice. An address taken by
    another account gets no link, and the answer is the same."""
    if new_email.casefold() == user.email.casefold():
        raise ValidationError({"new_email": ["This is already the account's email address."]})
    taken = get_user_model().objects.with_email(new_email).exclude(pk=user.pk).exists()
    security_event("email_change_requested", request, user_id=user.pk, address_taken=taken)
    if not taken:
        lifetime = _lifetime(account_settings.EMAIL_CHANGE_LINK_LIFETIME)
        link = links.email_change_link(user, new_email)
        send_account_email("email_change_confirm", new_email, link=link, lifetime=lifetime)
    if user.email:
        hint = links.address_hint(new_email)
        send_account_email(
            "email_change_notice", user.email, username=user.username, new_email_hint=hint, **_account_links()
        )


class EmailTaken(APIException):
    status_code = 400
    default_detail = "This address now belongs to another account."
    default_code = "email_taken"


def confirm_email_change(request, token: str):
    """Make the change the link confirms; a second use of the link changes nothing."""
    change = links.email_change_of_token(token)
    user = change.user
    if change.done:
        return user
    if get_user_model().objects.with_email(change.new_email).exclude(pk=user.pk).exists():
        raise EmailTaken()
    old_email = user.email
    user.email, user.email_verified_at = change.new_email, timezone.now()
    try:
        with transaction.atomic():
            user.save(update_fields=["email", "email_verified_at"])
    except IntegrityError:
        raise EmailTaken() from None
    security_event("email_changed", request, user_id=user.pk)
    notifications.email_changed(user, old_email)
    return user
