from django.apps import AppConfig


class FingerprintingConfig(AppConfig):
    name = "fingerprinting"
    verbose_name = "Fingerprinting"
    # Ties every new session's tokens to its client (authentication.features).
    client_binding = "fingerprinting.binding.FingerprintBinding"
