"""Print a new key for ``MFA_ENCRYPTION_KEYS`` (put it first; keep the old ones until rotate_mfa_key)."""

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a new key for MFA_ENCRYPTION_KEYS."
    requires_system_checks = []

    def handle(self, *args, **options) -> None:
        self.stdout.write(Fernet.generate_key().decode())
