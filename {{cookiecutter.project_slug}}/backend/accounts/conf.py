"""Account settings: one ``ACCOUNTS`` dict in the Django settings, read through ``account_settings``.

Every name, its default and what it is for is listed in ``DEFAULTS``; a settings module sets only
what differs, and unknown names are refused. The password-reset link's lifetime is Django's own
``PASSWORD_RESET_TIMEOUT``.
"""

from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured

from config.settings_namespace import SettingsNamespace

EMAIL_VERIFICATION_MODES = ("mandatory", "optional")
MAIL_DELIVERY_MODES = ("background", "immediate")

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
    # "background": a sender thread per process delivers mail once the transaction has committed,
    # so no response waits for the mail server (or tells by its timing whether mail was sent).
    # "immediate": delivered in the request, after the commit (tests).
    "MAIL_DELIVERY": "background",
}


def _check(values: dict) -> None:
    for name, allowed in [("EMAIL_VERIFICATION", EMAIL_VERIFICATION_MODES), ("MAIL_DELIVERY", MAIL_DELIVERY_MODES)]:
        if values[name] not in allowed:
            raise ImproperlyConfigured(f"ACCOUNTS {name} must be one of {', '.join(allowed)}.")


account_settings = SettingsNamespace("ACCOUNTS", DEFAULTS, _check)
