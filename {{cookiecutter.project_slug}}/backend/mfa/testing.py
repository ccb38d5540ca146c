"""Helpers for MFA tests: an authenticator set up directly, codes computed as an app would, and a
clock held still in the middle of a 30-second step, so a test never straddles two steps."""

import datetime
import math
import time

import pyotp

from . import recovery, totp

MFA_URL = "/api/auth/mfa/"
MFA_VERIFY_URL = "/api/auth/mfa/verify/"
MFA_ENROLL_URL = "/api/auth/mfa/enroll/"
TOTP_URL = "/api/auth/mfa/totp/"
TOTP_CONFIRM_URL = "/api/auth/mfa/totp/confirm/"
TOTP_DISABLE_URL = "/api/auth/mfa/totp/disable/"
RECOVERY_CODES_URL = "/api/auth/mfa/recovery-codes/"
STEP = 30


class Clock:
    """The time codes are checked at; ``code(secret, steps)`` is the app's code that many steps away."""

    def __init__(self) -> None:
        self.now = math.floor(time.time() / STEP) * STEP + STEP / 2

    def current(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.now, tz=datetime.UTC)

    def advance(self, steps: int = 1) -> None:
        self.now += steps * STEP

    def code(self, secret: str, steps: int = 0) -> str:
        return pyotp.TOTP(secret).at(self.now + steps * STEP)


def enable_totp(user) -> str:
    """Set up and confirm an authenticator for ``user``; return its secret."""
    secret = totp.begin(user).secret
    totp.confirm(totp.device_of(user, confirmed=False))
    return secret


def give_recovery_codes(user) -> list[str]:
    return recovery.replace(user)
