from django.apps import AppConfig


class MfaConfig(AppConfig):
    name = "mfa"
    verbose_name = "Multi-factor authentication"
    # The login's second step (authentication.features).
    sign_in_step = "mfa.flow.SecondFactor"
