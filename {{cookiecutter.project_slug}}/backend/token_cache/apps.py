from django.apps import AppConfig
from django.conf import settings


class TokenCacheConfig(AppConfig):
    name = "token_cache"
    verbose_name = "Token cache"

    @property
    def access_token_store(self) -> str | None:
        """The store authentication asks before verifying a token (authentication.features).

        None in local development without Redis: a cache per process would keep serving tokens
        that another process (a second server, a management command) has revoked.
        """
        if settings.DEBUG and settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
            return None
        return "token_cache.store.TokenCacheStore"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (forgets revoked sessions at once)
