from django.apps import AppConfig


class TokenCacheConfig(AppConfig):
    name = "token_cache"
    verbose_name = "Token cache"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (forgets revoked sessions at once)
