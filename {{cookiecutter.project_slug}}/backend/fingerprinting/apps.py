from django.apps import AppConfig


class FingerprintingConfig(AppConfig):
    name = "fingerprinting"
    verbose_name = "Fingerprinting"
    # Ties every new session's tokens to its client (authentication.features).
    client_binding = "fingerprinting.binding.FingerprintBinding"
    # A token presented from another client is kept in the audit trail (audit.receivers).
    audited_events = ("fingerprint_mismatch",)
