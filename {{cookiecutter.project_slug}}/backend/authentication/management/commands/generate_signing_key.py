"""Generate a new token signing key, for first set-up or for a rotation.

Rotation without signing anyone out: make the new key the signing key and keep the old one
among the verification keys until the longest refresh token signed with it has expired.
"""
{%- if cookiecutter.jwt_algorithm == "HS256" %}

import secrets

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a new random HS256 signing key (512 bits) and how to rotate to it."

    def handle(self, *args, **options):
        key = secrets.token_urlsafe(64)
        self.stdout.write(key)
        self.stderr.write(
            "Set JWT_SIGNING_KEY to this value and append the old key to JWT_PREVIOUS_SIGNING_KEYS "
            "until tokens signed with it have expired."
        )
{%- else %}

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Write a new RSA private key (PEM) for RS256 signing, and its public key beside it."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="Path of the private key file to create.")
        parser.add_argument("--bits", type=int, default=3072)

    def handle(self, *args, output: str, bits: int, **options):
        path = Path(output)
        if path.exists():
            raise CommandError(f"{path} exists; choose a new file so the current key stays available.")
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(
            private_key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        path.chmod(0o600)
        public_path = path.with_suffix(".pub.pem")
        public_path.write_bytes(
            private_key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        self.stdout.write(
            f"Wrote {path} and {public_path}. Point JWT_PRIVATE_KEY_FILE at the new key and add the old "
            "public key to JWT_PREVIOUS_PUBLIC_KEY_FILES until tokens signed with it have expired."
        )
{%- endif %}
