"""Signing and verification keys, each pinned to one algorithm and named by a ``kid``.

One key signs; keys retired by a rotation keep verifying until their tokens expire, so a
key can be replaced without signing everyone out. Each key is used with exactly one
algorithm (RFC 8725 3.1).
"""

{% if cookiecutter.jwt_algorithm == "HS256" -%}
import functools
import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
{% else -%}
import base64
import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from jwt.algorithms import RSAAlgorithm
{% endif %}

@dataclass(frozen=True)
class JWTKey:
    kid: str
    algorithm: str
    verifying_key: Any
    signing_key: Any = None  # None for keys that only verify


@dataclass(frozen=True)
class KeyRing:
    signing: JWTKey
    verifying: dict[str, JWTKey]
{%- if cookiecutter.jwt_algorithm == "HS256" %}


def hmac_key(secret: str) -> JWTKey:
    raw = secret.encode()
    # The kid names the key without revealing it: a truncated hash of a 256-bit random secret.
    kid = hashlib.sha256(b"kid:" + raw).hexdigest()[:16]
    return JWTKey(kid=kid, algorithm="HS256", verifying_key=raw, signing_key=raw)


def load_key_ring() -> KeyRing:
    current = hmac_key(settings.JWT_SIGNING_KEY)
    previous = [hmac_key(secret) for secret in settings.JWT_PREVIOUS_SIGNING_KEYS]
    return KeyRing(signing=current, verifying={key.kid: key for key in [current, *previous]})
{%- else %}


MINIMUM_RSA_BITS = 2048


def jwk_thumbprint(public_key: rsa.RSAPublicKey) -> str:
    """RFC 7638 thumbprint: a kid that any party can recompute from the public key."""
    jwk = RSAAlgorithm.to_jwk(public_key, as_dict=True)
    canonical = json.dumps({name: jwk[name] for name in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def _checked(key, source: str):
    if not isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey) or key.key_size < MINIMUM_RSA_BITS:
        raise ImproperlyConfigured(f"{source} must hold an RSA key of at least {MINIMUM_RSA_BITS} bits.")
    return key


def rsa_signing_key(pem: bytes, source: str) -> JWTKey:
    private_key = _checked(serialization.load_pem_private_key(pem, password=None), source)
    public_key = private_key.public_key()
    return JWTKey(kid=jwk_thumbprint(public_key), algorithm="RS256", verifying_key=public_key, signing_key=private_key)


def rsa_verifying_key(pem: bytes, source: str) -> JWTKey:
    public_key = _checked(serialization.load_pem_public_key(pem), source)
    return JWTKey(kid=jwk_thumbprint(public_key), algorithm="RS256", verifying_key=public_key)


def load_key_ring() -> KeyRing:
    if settings.JWT_PRIVATE_KEY:
        current = rsa_signing_key(settings.JWT_PRIVATE_KEY.encode(), "JWT_PRIVATE_KEY")
    elif settings.JWT_PRIVATE_KEY_FILE:
        current = rsa_signing_key(Path(settings.JWT_PRIVATE_KEY_FILE).read_bytes(), "JWT_PRIVATE_KEY_FILE")
    else:
        raise ImproperlyConfigured("Set JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE (see manage.py generate_signing_key).")
    previous = [rsa_verifying_key(Path(path).read_bytes(), path) for path in settings.JWT_PREVIOUS_PUBLIC_KEY_FILES]
    return KeyRing(signing=current, verifying={key.kid: key for key in [current, *previous]})


def public_jwks() -> dict:
    """The JSON Web Key Set that other services use to verify our tokens."""
    keys = []
    for key in key_ring().verifying.values():
        jwk = RSAAlgorithm.to_jwk(key.verifying_key, as_dict=True)
        keys.append({**jwk, "kid": key.kid, "alg": key.algorithm, "use": "sig"})
    return {"keys": keys}
{%- endif %}


@functools.cache
def key_ring() -> KeyRing:
    return load_key_ring()


@receiver(setting_changed)
def _reload_keys(setting: str, **kwargs) -> None:
    if setting.startswith("JWT_"):
        key_ring.cache_clear()
