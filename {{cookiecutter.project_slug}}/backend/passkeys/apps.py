from django.apps import AppConfig


class PasskeysConfig(AppConfig):
    name = "passkeys"
    verbose_name = "Passkeys"
    # Mounted under /api/auth/ (authentication.features): /api/auth/passkeys/ and the rest.
    auth_urls = ("passkeys/", "passkeys.urls")
    # Kept in the audit trail (audit.receivers), and what the owner reads of them in their activity (audit.views).
    audited_events = ("passkey_registered", "passkey_renamed", "passkey_removed")
    activity_descriptions = {"passkey_registered": "Passkey added", "passkey_removed": "Passkey removed"}

    def ready(self) -> None:
        from . import checks  # noqa: F401  (the relying party's settings are checked at startup)
