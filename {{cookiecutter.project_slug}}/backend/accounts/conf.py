"""Account settings: one ``ACCOUNTS`` dict in the Django settings, read through ``account_settings``.

Every name, its default and what it is for is listed in ``DEFAULTS``; a settings module sets only
what differs, and unknown names are refused. The password-reset link's lifetime is Django's own
``PASSWORD_RESET_TIMEOUT``.
"""

from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured

from config.settings_namespace import SettingsNamespace

EMAIL_VERIFICATION_MODES = ("mandatory", "optional")

DEFAULTS = {
    # Anyone may create an account. False closes sign-up (accounts are then made in the admin).
    "SIGNUP_OPEN": True,
    # "mandatory": an account signs in only once its address is verified; "optional": at once,
    # the verification link is still sent.
    "EMAIL_VERIFICATION": "mandatory",
    # How long the links in account email work.
    "VERIFY_EMAIL_LINK_LIFETIME": timedelta(days=3),
    "EMAIL_CHANGE_LINK_LIFETIME": timedelta(days=1),
    # Pages of the web app (under FRONTEND_URL) that links open; the token follows in the fragment
    # (#token=...), which browsers never send to a server or in a Referer header.
    "VERIFY_EMAIL_PATH": "/verify-email",
    "RESET_PASSWORD_PATH": "/reset-password",
    "CONFIRM_EMAIL_CHANGE_PATH": "/confirm-email-change",
    "SIGN_IN_PATH": "/login",
    "SIGN_UP_PATH": "/signup",
    "FORGOT_PASSWORD_PATH": "/forgot-password",
    "SECURITY_PAGE_PATH": "/settings/security",
    # Security notifications by email (accounts.notifications); each can be switched off.
    "NOTIFY_NEW_DEVICE": True,  # a sign-in from a device the account has not used before
    "NOTIFY_SESSION_REUSE": True,  # a session ended because its refresh token was used twice
    "NOTIFY_PASSWORD_CHANGED": True,
    "NOTIFY_EMAIL_CHANGED": True,  # to the old address, when the change takes effect
    "NOTIFY_STAFF_OF_TAMPERING": True,  # an address blocked for sending forged tokens
    # Who gets staff alerts; empty: every active superuser with an email address.
    "SECURITY_ALERT_RECIPIENTS": [],
}


def _check(values: dict) -> None:
    if values["EMAIL_VERIFICATION"] not in EMAIL_VERIFICATION_MODES:
        raise ImproperlyConfigured(f"ACCOUNTS EMAIL_VERIFICATION must be one of {', '.join(EMAIL_VERIFICATION_MODES)}.")


account_settings = SettingsNamespace("ACCOUNTS", DEFAULTS, _check)
