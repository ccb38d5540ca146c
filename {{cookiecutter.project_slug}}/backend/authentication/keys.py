"""Signing and verification keys, each pinned to one algorithm and named by a ``kid``.

One key signs, with the configured algorithm: HS256 (a shared secret), RS256 (RSA) or EdDSA
(Ed25519). Keys retired by a rotation keep verifying until their tokens expire, so a key, or
even the algorithm, can be replaced without signing everyone out. Each key is used with
exactly one algorithm (RFC 8725 3.1), so a token can never choose how it is checked.
"""

import base64
import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from jwt.algorithms import OKPAlgorithm, RSAAlgorithm

from config.signing_keys import signing_key_errors

from .conf import auth_settings

MINIMUM_RSA_BITS = 2048
# The private key type each asymmetric algorithm signs with, and how its public key becomes a JWK.
ASYMMETRIC = {
    "RS256": (rsa.RSAPrivateKey, rsa.RSAPublicKey, RSAAlgorithm, ("e", "kty", "n")),
    "EdDSA": (ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey, OKPAlgorithm, ("crv", "kty", "x")),
}


@dataclass(frozen=True)
class JWTKey:
    kid: str
    algorithm: str
    verifying_key: Any
    signing_key: Any = None  # None for keys that only verify

    @property
    def is_public(self) -> bool:
        return self.algorithm in ASYMMETRIC


@dataclass(frozen=True)
class KeyRing:
    signing: JWTKey
    verifying: dict[str, JWTKey]


def hmac_key(secret: str) -> JWTKey:
    raw = secret.encode()
    # The kid names the key without revealing it: a truncated hash of a 256-bit random secret.
    kid = hashlib.sha256(b"kid:" + raw).hexdigest()[:16]
    return JWTKey(kid=kid, algorithm="HS256", verifying_key=raw, signing_key=raw)


def algorithm_of(public_key) -> str:
    for algorithm, (_, public_type, _, _) in ASYMMETRIC.items():
        if isinstance(public_key, public_type):
            return algorithm
    raise ImproperlyConfigured(f"Unsupported key type {type(public_key).__name__}: use RSA or Ed25519.")


def public_jwk(public_key) -> dict:
    _, _, jwk_algorithm, _ = ASYMMETRIC[algorithm_of(public_key)]
    return jwk_algorithm.to_jwk(public_key, as_dict=True)


def jwk_thumbprint(public_key) -> str:
    """RFC 7638 thumbprint: a kid that any party can recompute from the public key."""
    *_, members = ASYMMETRIC[algorithm_of(public_key)]
    jwk = public_jwk(public_key)
    canonical = json.dumps({name: jwk[name] for name in members}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def _checked_public(public_key, source: str):
    if isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size < MINIMUM_RSA_BITS:
        raise ImproperlyConfigured(f"{source} must hold an RSA key of at least {MINIMUM_RSA_BITS} bits.")
    algorithm_of(public_key)
    return public_key


def asymmetric_signing_key(pem: bytes, source: str, algorithm: str) -> JWTKey:
    private_type = ASYMMETRIC[algorithm][0]
    try:
        private_key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(f"{source} is not an unencrypted PEM private key.") from error
    if not isinstance(private_key, private_type):
        raise ImproperlyConfigured(f"{source} does not hold a key for {algorithm} (JWT_ALGORITHM).")
    public_key = _checked_public(private_key.public_key(), source)
    kid = jwk_thumbprint(public_key)
    return JWTKey(kid=kid, algorithm=algorithm, verifying_key=public_key, signing_key=private_key)


def public_verifying_key(pem: bytes, source: str) -> JWTKey:
    try:
        public_key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(f"{source} is not a PEM public key.") from error
    public_key = _checked_public(public_key, source)
    return JWTKey(kid=jwk_thumbprint(public_key), algorithm=algorithm_of(public_key), verifying_key=public_key)


def _read(path: str, setting: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise ImproperlyConfigured(f"{setting} names {path}, which cannot be read: {error.strerror}.") from error


def signing_key() -> JWTKey:
    algorithm = auth_settings.ALGORITHM
    if algorithm == "HS256":
        return hmac_key(auth_settings.SIGNING_KEY)
    if auth_settings.PRIVATE_KEY:
        return asymmetric_signing_key(auth_settings.PRIVATE_KEY.encode(), "JWT_PRIVATE_KEY", algorithm)
    pem = _read(auth_settings.PRIVATE_KEY_FILE, "JWT_PRIVATE_KEY_FILE")
    return asymmetric_signing_key(pem, "JWT_PRIVATE_KEY_FILE", algorithm)


def load_key_ring() -> KeyRing:
    errors = signing_key_errors(getattr(settings, "AUTH", {}), settings.SECRET_KEY)
    if errors:
        raise ImproperlyConfigured(errors[0])
    current = signing_key()
    previous = [hmac_key(secret) for secret in auth_settings.PREVIOUS_SIGNING_KEYS] + [
        public_verifying_key(_read(path, "JWT_PREVIOUS_PUBLIC_KEY_FILES"), path)
        for path in auth_settings.PREVIOUS_PUBLIC_KEY_FILES
    ]
    return KeyRing(signing=current, verifying={key.kid: key for key in [*previous, current]})


@functools.cache
def key_ring() -> KeyRing:
    return load_key_ring()


@receiver(setting_changed)
def _reload_keys(setting: str, **kwargs) -> None:
    if setting in ("AUTH", "SECRET_KEY"):
        key_ring.cache_clear()


def public_jwks() -> dict:
    """The JSON Web Key Set that other services use to verify our tokens: every public key in use."""
    return {
        "keys": [
            {**public_jwk(key.verifying_key), "kid": key.kid, "alg": key.algorithm, "use": "sig"}
            for key in key_ring().verifying.values()
            if key.is_public
        ]
    }


def new_private_key(algorithm: str, rsa_bits: int = 3072):
    if algorithm == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits)
    return ed25519.Ed25519PrivateKey.generate()


def private_pem(private_key) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_pem(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
