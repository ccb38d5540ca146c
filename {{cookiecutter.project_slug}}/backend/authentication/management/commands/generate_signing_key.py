"""Generate a new token signing key, for first set-up or for a rotation.

HS256: prints a new secret. RS256 and EdDSA: writes a private key (and its public key beside
it) to a new file. Rotation without signing anyone out: make the new key the signing key and
keep the one it replaces among the verification keys until the tokens it signed have expired
(the refresh token lifetime); the advice printed names what to set.
"""

import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from authentication.conf import auth_settings
from authentication.keys import jwk_thumbprint, key_ring, new_private_key, private_pem, public_pem
from config.signing_keys import ALGORITHMS


def current_key():
    """The key that signs today, or None on first set-up (or when its settings are unusable)."""
    try:
        return key_ring().signing
    except ImproperlyConfigured:
        return None


def retire_advice(current, folder: Path | None) -> str:
    """How to keep ``current`` verifying after the switch. With a ``folder`` (a new key file's), the
    current public key is written there."""
    days = auth_settings.REFRESH_TOKEN_LIFETIME.days
    until = f"and remove it there after {days} days, when the tokens it signed have expired."
    if current is None:
        return "This is the first signing key: no other key needs to keep verifying."
    if not current.is_public:
        return f"Add the current JWT_SIGNING_KEY to JWT_PREVIOUS_SIGNING_KEYS (comma-separated), {until}"
    if folder is None:
        return (
            "List a PEM file of the current public key in JWT_PREVIOUS_PUBLIC_KEY_FILES "
            f"(`openssl pkey -pubout -in <current private key>` writes one), {until}"
        )
    retired = folder / f"previous-{current.kid}.pub.pem"
    if not retired.exists():
        retired.write_bytes(public_pem(current.verifying_key))
    return f"Wrote the current public key to {retired}: add it to JWT_PREVIOUS_PUBLIC_KEY_FILES, {until}"


class Command(BaseCommand):
    help = "Make a new signing key (HS256: print a secret; RS256, EdDSA: write a PEM file) and say how to use it."
    # The system checks would refuse to run while the key this command is about to write is missing.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--algorithm", choices=ALGORITHMS, help="Default: the configured JWT_ALGORITHM.")
        parser.add_argument("--output", help="RS256 and EdDSA: the private key file to create.")
        parser.add_argument("--bits", type=int, default=3072, help="RS256: the RSA key size (at least 2048).")

    def handle(self, *args, algorithm: str | None, output: str | None, bits: int, **options):
        algorithm = algorithm or auth_settings.ALGORITHM
        current = current_key()
        if algorithm == "HS256":
            self.stdout.write(secrets.token_urlsafe(64))
            self.stderr.write(f"Set JWT_SIGNING_KEY to this value. {retire_advice(current, None)}")
            return
        if not output:
            raise CommandError(f"{algorithm} keys are written to a file: pass --output PATH.")
        if bits < 2048:
            raise CommandError("--bits must be at least 2048.")
        path = Path(output)
        if path.exists():
            raise CommandError(f"{path} exists; choose a new file so the current key stays available.")
        private_key = new_private_key(algorithm, bits)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(private_pem(private_key))
        path.chmod(0o600)
        public_path = path.with_suffix(".pub.pem")
        public_path.write_bytes(public_pem(private_key.public_key()))
        self.stdout.write(
            f"Wrote {path} and {public_path} (kid {jwk_thumbprint(private_key.public_key())}). "
            f"Set JWT_ALGORITHM={algorithm} and JWT_PRIVATE_KEY_FILE={path}. {retire_advice(current, path.parent)}"
        )
