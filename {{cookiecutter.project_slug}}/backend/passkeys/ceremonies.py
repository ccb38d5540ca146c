"""The challenge of one registration or sign-in: random, single use, expiring (WebAuthn Level 3,
13.4.3).

The server keeps only its digest. The browser's response carries the challenge inside the
signed client data, which is how the ceremony is found again; it is spent before the response
is checked, so neither a replay nor a second try with the same challenge gets through.
"""

import hashlib
import secrets

from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException

from .conf import passkey_settings
from .models import Ceremony

CHALLENGE_BYTES = 32


class CeremonyInvalid(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "passkey_ceremony_invalid"
    default_detail = "This passkey request has expired or was already used. Start again."


def _digest(challenge: bytes) -> str:
    return hashlib.sha256(challenge).hexdigest()


def issue(purpose: str, user=None) -> bytes:
    """A new challenge for ``purpose`` (for ``user``'s registration); stale ceremonies are swept."""
    now = timezone.now()
    Ceremony.objects.filter(expires_at__lt=now).delete()
    challenge = secrets.token_bytes(CHALLENGE_BYTES)
    Ceremony.objects.create(
        purpose=purpose,
        user=user,
        challenge_digest=_digest(challenge),
        created_at=now,
        expires_at=now + passkey_settings.CEREMONY_LIFETIME,
    )
    return challenge


def spend(purpose: str, challenge: bytes, user=None) -> None:
    """Use up the live ceremony of ``challenge``, or raise ``CeremonyInvalid``."""
    spent = Ceremony.objects.filter(
        purpose=purpose,
        user=user,
        challenge_digest=_digest(challenge),
        used_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).update(used_at=timezone.now())
    if spent != 1:
        raise CeremonyInvalid()
