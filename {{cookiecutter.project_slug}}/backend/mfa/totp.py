"""TOTP authenticators (RFC 6238, with pyotp): set up, confirm, check a code.

A code is accepted for the current 30-second step or ``TOTP_DRIFT_STEPS`` either side, compared
in constant time, and only if its step is later than the last accepted one: a code seen once,
or an older one, is refused (ASVS 5.0 6.5.1).
"""

import hmac
import re
from dataclasses import dataclass

import pyotp
import segno
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from . import protection
from .conf import mfa_settings
from .models import TotpDevice

CODE_PATTERN = re.compile(r"\d{6}")


def current_time():
    """The clock codes are checked against (tests hold it still)."""
    return timezone.now()


@dataclass(frozen=True)
class Setup:
    """What the user's authenticator app needs, shown once: the secret, as text and as a QR code."""

    secret: str
    otpauth_uri: str
    qr_code_svg: str


def _issuer() -> str:
    return mfa_settings.ISSUER or settings.PROJECT_NAME


def begin(user) -> Setup:
    """A new secret for ``user``, replacing any authenticator not yet confirmed."""
    secret = pyotp.random_base32()  # 160 bits (RFC 4226 4)
    TotpDevice.objects.update_or_create(
        user=user,
        defaults={
            "encrypted_secret": protection.encrypt(secret),
            "created_at": timezone.now(),
            "confirmed_at": None,
            "last_used_step": None,
        },
    )
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name=_issuer())
    # Drawn here, as SVG: the secret never goes to a QR code service.
    svg = segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
    return Setup(secret=secret, otpauth_uri=uri, qr_code_svg=svg)


def device_of(user, *, confirmed: bool) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=not confirmed).first()


def is_enabled(user) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def accept_code(device: TotpDevice, code: str) -> bool:
    """Whether ``code`` is a fresh code of ``device``; if so, its step is recorded as used."""
    if not isinstance(code, str) or not CODE_PATTERN.fullmatch(code):
        return False
    totp = pyotp.TOTP(protection.decrypt(device.encrypted_secret))
    now = totp.timecode(current_time())
    drift = mfa_settings.TOTP_DRIFT_STEPS
    matched = None
    for step in range(now - drift, now + drift + 1):  # every step compared, whichever matches
        if hmac.compare_digest(totp.generate_otp(step), code):
            matched = step
    if matched is None:
        return False
    # One conditional update: of two requests with the same code, only one records its step.
    fresh = Q(last_used_step__isnull=True) | Q(last_used_step__lt=matched)
    return TotpDevice.objects.filter(fresh, pk=device.pk).update(last_used_step=matched) == 1


def confirm(device: TotpDevice) -> None:
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at"])
