from django.apps import AppConfig


class IPAllowlistConfig(AppConfig):
    name = "ip_allowlist"
    verbose_name = "IP allowlist"
