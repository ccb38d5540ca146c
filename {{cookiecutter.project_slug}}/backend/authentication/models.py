"""Sessions as the database remembers them.

A login starts a ``Session``; every refresh token issued in that session is an
``IssuedRefreshToken`` that points at its successor once rotated. Keeping the rotated
tokens is what makes reuse detection possible (RFC 9700 4.14.2).
"""

import uuid

from django.conf import settings
from django.db import models


class Session(models.Model):
    """One signed-in session: the chain of refresh tokens that started with one login."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions")
    created_at = models.DateTimeField()
    # Refreshing slides a session forward, but never past this (ASVS 5.0 10.4.8).
    absolute_expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=32, blank=True)
    # When the password was last presented in this session (sign-in, password change,
    # re-authentication): access tokens carry it as ``auth_time`` (authentication.reauth).
    authenticated_at = models.DateTimeField(null=True)
    # How the user proved who they are at sign-in (RFC 8176 ``amr`` values: pwd, otp, hwk);
    # every access token of the session carries them.
    authentication_methods = models.JSONField(default=list, blank=True)
    # The device as the owner sees it in their session list: updated at each refresh.
    last_used_at = models.DateTimeField(null=True)
    user_agent = models.CharField(max_length=512, blank=True)
    device = models.CharField(max_length=128, blank=True)
    client_address = models.GenericIPAddressField(null=True)
    last_address = models.GenericIPAddressField(null=True)

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at"], name="session_user_revoked_idx")]

    def __str__(self) -> str:
        return f"session {self.id} of user {self.user_id}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class IssuedRefreshToken(models.Model):
    """A refresh token handed out in a session; the token string itself is never stored."""

    jti = models.CharField(primary_key=True, max_length=64)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="refresh_tokens")
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    rotated_at = models.DateTimeField(null=True, blank=True)
    successor = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="predecessor"
    )

    def __str__(self) -> str:
        return f"refresh token {self.jti}"
