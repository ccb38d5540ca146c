"""Recovery codes: ten single-use codes, shown once, kept only as keyed digests.

Each has 50 bits of randomness, in two groups of five from an alphabet without look-alikes
(``k7m2q-xe9rt``); dashes, spaces and case do not matter when one is typed.
"""

import secrets

from django.db import transaction
from django.utils import timezone

from . import protection
from .conf import mfa_settings
from .models import RecoveryCode

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # 31 symbols: no 0/o, 1/l/i
GROUP = 5


def _normalized(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(2 * GROUP))
    return f"{raw[:GROUP]}-{raw[GROUP:]}"


def replace(user) -> list[str]:
    """New codes for ``user``; every earlier one stops working. Returned once, never stored."""
    codes = [_new_code() for _ in range(mfa_settings.RECOVERY_CODE_COUNT)]
    now = timezone.now()
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(user=user, digest=protection.digests(_normalized(code))[0], created_at=now) for code in codes
        )
    return codes


def use(user, code: str) -> bool:
    """Spend one of ``user``'s unused codes; False if ``code`` is none of them."""
    if not isinstance(code, str):
        return False
    normalized = _normalized(code)
    if len(normalized) != 2 * GROUP or not set(normalized) <= set(ALPHABET):
        return False
    unused = RecoveryCode.objects.filter(user=user, digest__in=protection.digests(normalized), used_at__isnull=True)
    return unused.update(used_at=timezone.now()) == 1


def remaining(user) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def discard(user) -> None:
    RecoveryCode.objects.filter(user=user).delete()
