"""Passkeys (WebAuthn credentials), the random handle authenticators know an account by, and the
challenges of registrations and sign-ins under way.

Only public material is stored: a credential's public key and id, never anything that signs in.
A challenge is kept as its digest and spent once.
"""

import uuid

from django.conf import settings
from django.db import models


class UserHandle(models.Model):
    """The WebAuthn user handle of an account: 64 random bytes, never its id or name (WebAuthn
    Level 3, 14.6.1), returned by the authenticator at a passwordless sign-in."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkey_handle")
    handle = models.BinaryField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"passkey handle of user {self.user_id}"


class Passkey(models.Model):
    """A discoverable credential registered by its owner."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys")
    name = models.CharField(max_length=64)
    # base64url of the credential id, as the browser reports it (rawId).
    credential_id = models.CharField(max_length=1400, unique=True)
    public_key = models.BinaryField()  # COSE_Key
    # The authenticator's signature counter: a counter that goes backwards betrays a cloned key.
    sign_count = models.BigIntegerField(default=0)
    aaguid = models.CharField(max_length=36, blank=True)
    transports = models.JSONField(default=list, blank=True)
    # Backup eligibility and state (WebAuthn Level 3, 6.1.3): a synced passkey survives a lost device.
    backup_eligible = models.BooleanField(default=False)
    backed_up = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"passkey {self.name!r} of user {self.user_id}"


class Ceremony(models.Model):
    """A registration or sign-in under way: the challenge sent to the browser, single use."""

    REGISTER, SIGN_IN = "register", "sign_in"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    purpose = models.CharField(max_length=16, choices=[(REGISTER, "register"), (SIGN_IN, "sign in")])
    # Set for a registration: the signed-in user it adds a passkey to.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="passkey_ceremonies"
    )
    # SHA-256 of the challenge: the response names its challenge, which finds the ceremony.
    challenge_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"passkey {self.purpose} ceremony {self.id}"
