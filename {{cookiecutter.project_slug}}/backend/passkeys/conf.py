"""Passkey settings: one ``PASSKEYS`` dict in the Django settings, read through ``passkey_settings``.

A passkey belongs to a relying party (``RP_ID``, a domain) and works only on pages of the
``ORIGINS`` within it (WebAuthn Level 3, 5.1.4 and 13.4.9): both follow the environment's
frontend address unless set.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings

from config.settings_namespace import SettingsNamespace

DEFAULTS = {
    # The domain passkeys are bound to: the frontend's host, or a parent domain of it (a passkey of
    # example.com also works on app.example.com). Empty: the host of FRONTEND_URL.
    "RP_ID": "",
    # The name browsers show when a passkey is made. Empty: PROJECT_NAME.
    "RP_NAME": "",
    # The pages (scheme, host and port) that may use a passkey. Empty: FRONTEND_URL's.
    "ORIGINS": [],
    # How long a registration or sign-in waits for the authenticator; its challenge then expires.
    "CEREMONY_LIFETIME": timedelta(minutes=5),
    # Most passkeys an account may hold.
    "MAX_PER_USER": 10,
}


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _resolve(values: dict) -> None:
    values["ORIGINS"] = list(values["ORIGINS"]) or [origin_of(settings.FRONTEND_URL)]
    values["RP_ID"] = values["RP_ID"] or (urlsplit(values["ORIGINS"][0]).hostname or "")
    values["RP_NAME"] = values["RP_NAME"] or settings.PROJECT_NAME


passkey_settings = SettingsNamespace("PASSKEYS", DEFAULTS, _resolve)
