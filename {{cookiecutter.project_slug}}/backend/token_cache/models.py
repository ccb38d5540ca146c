"""Revocations the token cache missed: sessions revoked while the cache could not be written.

Until their markers are in the cache, a token cached before the outage could still be served
once the cache is back; these rows, written as the revocation commits, let the next
process that reaches the cache write the markers (token_cache.store).
"""

from django.db import models


class UnmarkedRevocation(models.Model):
    session_id = models.UUIDField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"unmarked revocation of session {self.session_id}"
