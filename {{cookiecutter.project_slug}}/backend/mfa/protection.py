"""How second-factor secrets are protected at rest (ASVS 5.0 11.4, 13.3).

TOTP secrets must be read back to compute codes, so they are encrypted (Fernet: AES-128-CBC with
an HMAC-SHA256, from ``cryptography``). Recovery codes are only ever compared, so only an
HMAC-SHA256 of each is kept, keyed like the secrets: a stolen database reveals neither.
"""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from .conf import mfa_settings


class SecretUnreadable(Exception):
    """A stored secret that no configured key decrypts (the keys changed without a rotation)."""


def _keys() -> list[bytes]:
    configured = [key.encode() if isinstance(key, str) else key for key in mfa_settings.ENCRYPTION_KEYS]
    if configured:
        return configured
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"mfa secrets at rest").derive(
        settings.SECRET_KEY.encode()
    )
    return [base64.urlsafe_b64encode(derived)]


def encrypt(secret: str) -> str:
    return MultiFernet([Fernet(key) for key in _keys()]).encrypt(secret.encode()).decode()


def decrypt(stored: str) -> str:
    try:
        return MultiFernet([Fernet(key) for key in _keys()]).decrypt(stored.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable() from error


def reencrypt(stored: str) -> str:
    """The same secret under the first (newest) key."""
    return MultiFernet([Fernet(key) for key in _keys()]).rotate(stored.encode()).decode()


def digests(code: str) -> list[str]:
    """The code's keyed digest under each configured key, newest first (the first is stored)."""
    return [hmac.new(key, code.encode(), hashlib.sha256).hexdigest() for key in _keys()]


def token_digest(token: str) -> str:
    """Challenge tokens are random and short-lived: a plain digest keeps them out of the database."""
    return hashlib.sha256(token.encode()).hexdigest()
