"""A software authenticator for passkey tests: it makes real ES256 credentials and signs real
assertions, as a phone or a security key would, so the tests go through the same WebAuthn
verification as a browser's answers (only the key lives in memory)."""

import hashlib
import json
import secrets
import struct
from dataclasses import dataclass, field

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from authentication.testing import ORIGIN

PASSKEYS_URL = "/api/auth/passkeys/"
REGISTER_OPTIONS_URL = "/api/auth/passkeys/register/options/"
REGISTER_URL = "/api/auth/passkeys/register/"
SIGN_IN_OPTIONS_URL = "/api/auth/passkeys/sign-in/options/"
SIGN_IN_URL = "/api/auth/passkeys/sign-in/"
RP_ID = "app.example.test"  # the host of the test settings' FRONTEND_URL

# Authenticator data flags (WebAuthn Level 3, 6.1): user present, user verified, backup
# eligible, backed up, attested credential data included.
UP, UV, BE, BS, AT = 0x01, 0x04, 0x08, 0x10, 0x40
SOFTWARE_AAGUID = bytes(16)


def passkey_url(passkey_id) -> str:
    return f"{PASSKEYS_URL}{passkey_id}/"


def remove_url(passkey_id) -> str:
    return f"{PASSKEYS_URL}{passkey_id}/remove/"


@dataclass
class Credential:
    credential_id: bytes
    key: ec.EllipticCurvePrivateKey
    user_handle: bytes
    sign_count: int = 0


@dataclass
class SoftAuthenticator:
    """``create(options)`` answers registration options, ``get(options)`` sign-in options, as
    ``PublicKeyCredential.toJSON()`` would. ``verifies_user=False`` answers without user
    verification; ``counts=False`` keeps the signature counter at 0, as synced passkeys do."""

    origin: str = ORIGIN
    verifies_user: bool = True
    counts: bool = True
    backed_up: bool = True
    credentials: list[Credential] = field(default_factory=list)

    def _flags(self, attested: bool = False) -> int:
        flags = UP | (UV if self.verifies_user else 0) | BE | (BS if self.backed_up else 0)
        return flags | (AT if attested else 0)

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        data = {"type": kind, "challenge": challenge, "origin": origin or self.origin, "crossOrigin": False}
        return json.dumps(data, separators=(",", ":")).encode()

    def create(
        self, options: dict, origin: str | None = None, rp_id: str | None = None, credential_id: bytes | None = None
    ) -> dict:
        """A new credential for these options (``origin``, ``rp_id``, ``credential_id`` to misbehave)."""
        key = ec.generate_private_key(ec.SECP256R1())
        credential_id = credential_id or secrets.token_bytes(32)
        credential = Credential(credential_id, key, base64url_to_bytes(options["user"]["id"]))
        self.credentials.append(credential)
        numbers = key.public_key().public_numbers()
        cose_key = {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")}
        attested = SOFTWARE_AAGUID + struct.pack(">H", len(credential.credential_id)) + credential.credential_id
        auth_data = self._auth_data(rp_id or options["rp"]["id"], self._flags(attested=True), 0)
        attestation = cbor2.dumps(
            {"fmt": "none", "attStmt": {}, "authData": auth_data + attested + cbor2.dumps(cose_key)}
        )
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        return {
            "id": bytes_to_base64url(credential.credential_id),
            "rawId": bytes_to_base64url(credential.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": bytes_to_base64url(client_data),
                "attestationObject": bytes_to_base64url(attestation),
                "transports": ["internal", "hybrid"],
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }

    def get(self, options: dict, credential: Credential | None = None, origin: str | None = None, **tamper) -> dict:
        """An assertion by ``credential`` (the last one made). ``tamper`` replaces parts of the
        answer after signing: ``user_handle``, ``signature``, ``credential_id``."""
        credential = credential or self.credentials[-1]
        if self.counts:
            credential.sign_count += 1
        auth_data = self._auth_data(options["rpId"], self._flags(), credential.sign_count)
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = credential.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        credential_id = tamper.get("credential_id", credential.credential_id)
        return {
            "id": bytes_to_base64url(credential_id),
            "rawId": bytes_to_base64url(credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": bytes_to_base64url(client_data),
                "authenticatorData": bytes_to_base64url(auth_data),
                "signature": bytes_to_base64url(tamper.get("signature", signature)),
                "userHandle": bytes_to_base64url(tamper.get("user_handle", credential.user_handle)),
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }

    @staticmethod
    def _auth_data(rp_id: str, flags: int, sign_count: int) -> bytes:
        return hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", sign_count)
