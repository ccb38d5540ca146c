from django.apps import AppConfig


class AuthenticationConfig(AppConfig):
    name = "authentication"
    verbose_name = "Authentication"

    def ready(self) -> None:
        from . import checks, receivers, schema  # noqa: F401  (registers checks, signal receivers, schema extension)
