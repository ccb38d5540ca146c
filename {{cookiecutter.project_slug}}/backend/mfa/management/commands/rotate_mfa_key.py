"""Encrypt every TOTP secret again under the first key of ``MFA_ENCRYPTION_KEYS``.

Run after putting a new key first. Recovery codes are only digests and cannot be re-keyed: those
made before the rotation keep working while their key is listed, and new ones (or a reset) drop it.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from mfa import protection
from mfa.models import TotpDevice


class Command(BaseCommand):
    help = "Re-encrypt every TOTP secret with the newest MFA_ENCRYPTION_KEYS key."

    def handle(self, *args, **options) -> None:
        count = 0
        with transaction.atomic():
            for device in TotpDevice.objects.select_for_update().only("pk", "encrypted_secret"):
                device.encrypted_secret = protection.reencrypt(device.encrypted_secret)
                device.save(update_fields=["encrypted_secret"])
                count += 1
        self.stdout.write(f"Re-encrypted {count} TOTP secret(s).")
