from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from . import mail, notifications  # noqa: F401  (registers the email task and the notification receivers)
