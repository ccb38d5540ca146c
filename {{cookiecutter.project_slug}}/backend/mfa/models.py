"""Second factors: a TOTP authenticator, recovery codes, and the pending second step of a sign-in.

No secret is stored as given: the TOTP secret is encrypted (mfa.protection), recovery codes and
challenge tokens are kept only as keyed or plain digests.
"""

import uuid

from django.conf import settings
from django.db import models


class TotpDevice(models.Model):
    """An authenticator app (RFC 6238): active once the user has confirmed a code from it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device")
    encrypted_secret = models.TextField()
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The time step of the last code accepted: that code, and any older one, is refused (replay).
    last_used_step = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "authenticator app"

    def __str__(self) -> str:
        return f"authenticator app of user {self.user_id}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """A single-use code that stands in for the authenticator app; only its keyed digest is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "digest"], name="recovery_code_unique_per_user")]

    def __str__(self) -> str:
        return f"recovery code {self.pk} of user {self.user_id}"


class Challenge(models.Model):
    """The second step of one sign-in, after the password: it grants nothing but that step."""

    SIGN_IN, ENROLL = "sign_in", "enroll"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mfa_challenges")
    purpose = models.CharField(max_length=16, choices=[(SIGN_IN, "sign in"), (ENROLL, "enroll")])
    # SHA-256 of the token the client holds (a cookie for browsers, the body for apps).
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"MFA challenge {self.id} of user {self.user_id}"
