"""The two token types and how they are signed and read.

simplejwt supplies the token classes (type, expiry and ``jti`` checks); ``KeyRingBackend``
replaces its single-key backend so that tokens carry a ``kid`` and several keys, each with
its own algorithm, can verify.
"""

import functools
from datetime import UTC, datetime

import jwt
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenBackendExpiredToken
from rest_framework_simplejwt.tokens import Token

from .conf import auth_settings
from .keys import key_ring

# A token never legitimately tells us where to fetch a key: following such headers is SSRF
# and key substitution waiting to happen (RFC 8725 3.10, ASVS 5.0 9.1.3).
FORBIDDEN_HEADERS = frozenset({"jku", "x5u", "jwk", "x5c", "x5t", "x5t#S256"})
# Larger tokens are refused before any parsing; ours are a few hundred bytes.
MAX_TOKEN_LENGTH = 4096
# Claims the token service sets itself; anything else in a token is a client binding to carry over.
SESSION_CLAIMS = frozenset({"token_type", "exp", "iat", "nbf", "jti", "user_id", "sid", "auth_time", "amr"})
# RFC 7519 4.1.4-4.1.6: NumericDate values. PyJWT also accepts a numeric string ("1700000000")
# and numbers past the year 9999; either would become a server error wherever a date is computed.
DATE_CLAIMS = ("exp", "nbf", "iat")


def _is_numeric_date(value) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return False
    return True


def binding_claims_of(payload) -> dict:
    """The client-binding claims of a token, to be carried into the tokens that replace it."""
    return {name: value for name, value in payload.items() if name not in SESSION_CLAIMS}


class KeyRingBackend(TokenBackend):
    """Signs with the current key and verifies with the key its ``kid`` names, one algorithm per key.

    simplejwt's constructor takes one algorithm and one key; here the key ring holds both, so it
    is not called, and only what simplejwt's tokens read from a backend is set.
    """

    def __init__(self) -> None:
        self.leeway = 0
        self.json_encoder = None

    def encode(self, payload: dict) -> str:
        key = key_ring().signing
        return jwt.encode(payload, key.signing_key, algorithm=key.algorithm, headers={"kid": key.kid})

    def decode(self, token, verify: bool = True) -> dict:
        # Always verified: this backend has no unverified mode (RFC 8725 3.3).
        if isinstance(token, bytes):
            try:
                token = token.decode("ascii")
            except UnicodeDecodeError as error:
                raise TokenBackendError("Token is invalid") from error
        if len(token) > MAX_TOKEN_LENGTH:
            raise TokenBackendError("Token is too long")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as error:
            raise TokenBackendError("Token is invalid") from error
        if FORBIDDEN_HEADERS & header.keys():
            raise TokenBackendError("Token names an external key")
        kid = header.get("kid")
        key = key_ring().verifying.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise TokenBackendError("Token is signed with an unknown key")
        try:
            # The algorithm comes from our key, never from the token (RFC 8725 2.1, 3.1).
            payload = jwt.decode(
                token,
                key.verifying_key,
                algorithms=[key.algorithm],
                options={"require": ["exp", "iat", "jti", "token_type"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise TokenBackendExpiredToken("Token is expired") from error
        except jwt.InvalidTokenError as error:
            raise TokenBackendError("Token is invalid") from error
        if not all(_is_numeric_date(payload[claim]) for claim in DATE_CLAIMS if claim in payload):
            raise TokenBackendError("Token is invalid")
        return payload


@functools.cache
def token_backend() -> KeyRingBackend:
    return KeyRingBackend()


class SessionToken(Token):
    """Base for our tokens: signed by the key ring, tied to a session (``sid``)."""

    def get_token_backend(self) -> KeyRingBackend:
        return token_backend()


class AccessToken(SessionToken):
    token_type = "access"  # noqa: S105  (a claim value, not a secret)
    lifetime = None  # set per token by the token service

    def __init__(self, token=None, verify: bool = True) -> None:
        self.lifetime = auth_settings.ACCESS_TOKEN_LIFETIME
        super().__init__(token, verify)


class RefreshToken(SessionToken):
    token_type = "refresh"  # noqa: S105  (a claim value, not a secret)
    lifetime = None

    def __init__(self, token=None, verify: bool = True) -> None:
        self.lifetime = auth_settings.REFRESH_TOKEN_LIFETIME
        super().__init__(token, verify)
