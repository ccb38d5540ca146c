"""Security notifications by email (ASVS 5.0 6.3.7, 7.2.4): the account's owner hears of a sign-in
from a new device, of a session ended by reuse detection, and of a changed password or address;
staff hear of an address blocked for forging tokens. Each is switched off in ``ACCOUNTS``.

Events raised by authentication arrive through ``security_event_recorded``; the account flows
call the functions here directly. Mail goes out as a deferred task (accounts.mail): after commit,
never in the response's time. No token, password or code is ever part of a notification.
"""

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.dispatch import receiver
from django.utils import timezone

from authentication.conf import auth_settings
from authentication.models import Session
from authentication.security_log import security_event_recorded

from . import links
from .conf import account_settings
from .mail import send_account_email


def _account_of(user_id):
    if not isinstance(user_id, int):
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).exclude(email="").first()


def _common(user) -> dict:
    return {
        "username": user.username,
        "security_link": links.page_link(account_settings.SECURITY_PAGE_PATH),
        "forgot_password_link": links.page_link(account_settings.FORGOT_PASSWORD_PATH),
        "when": timezone.now().strftime("%Y-%m-%d %H:%M UTC"),
    }


def new_sign_in(fields: dict, context) -> None:
    if not account_settings.NOTIFY_NEW_DEVICE:
        return
    session = Session.objects.filter(pk=fields.get("session"), user_id=fields.get("user_id")).first()
    if session is None:
        return
    earlier = Session.objects.filter(user_id=session.user_id).exclude(pk=session.pk)
    if not earlier.exists() or earlier.filter(device=session.device).exists():
        return  # a first sign-in, or a device seen before
    user = _account_of(session.user_id)
    if user is not None:
        context = {**_common(user), "device": session.device, "client_address": session.client_address}
        send_account_email("new_sign_in", user.email, **context)


def session_reuse(fields: dict, context) -> None:
    user = _account_of(fields.get("user_id")) if account_settings.NOTIFY_SESSION_REUSE else None
    if user is not None:
        address = context.client_address if context is not None else None
        send_account_email("session_reuse_detected", user.email, client_address=address, **_common(user))


def password_changed(fields: dict, context) -> None:
    user = _account_of(fields.get("user_id")) if account_settings.NOTIFY_PASSWORD_CHANGED else None
    if user is not None:
        send_account_email("password_changed", user.email, **_common(user))


def tampering(fields: dict, context) -> None:
    if not account_settings.NOTIFY_STAFF_OF_TAMPERING or context is None:
        return
    address = context.client_address
    # One alert per address per tamper window, however many requests it sends while blocked.
    if not cache.add(f"tamper-alerted:{address}", True, timeout=int(auth_settings.TAMPER_WINDOW.total_seconds())):
        return
    recipients = account_settings.SECURITY_ALERT_RECIPIENTS or list(
        get_user_model()
        .objects.filter(is_superuser=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    window = f"{int(auth_settings.TAMPER_WINDOW.total_seconds() // 60)} minutes"
    for recipient in recipients:
        send_account_email(
            "tamper_alert",
            recipient,
            client_address=address,
            threshold=auth_settings.TAMPER_THRESHOLD,
            window=window,
            when=timezone.now().strftime("%Y-%m-%d %H:%M UTC"),
        )


def email_changed(user, old_email: str) -> None:
    """Tell the old address that the change has taken effect (called by the email-change flow)."""
    if account_settings.NOTIFY_EMAIL_CHANGED and old_email:
        context = {**_common(user), "new_email_hint": links.address_hint(user.email)}
        send_account_email("email_changed", old_email, **context)


HANDLERS = {
    "login_succeeded": new_sign_in,
    "refresh_reuse_detected": session_reuse,
    "password_changed": password_changed,
    "password_reset": password_changed,
    "tamper_blocked": tampering,
}


@receiver(security_event_recorded)
def notify(sender, event: str, fields: dict, context, **kwargs) -> None:
    handler = HANDLERS.get(event)
    if handler is not None:
        handler(fields, context)
