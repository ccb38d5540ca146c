"""Forged and misused tokens, for every signing algorithm: ``alg: none``, algorithm and key
confusion, damaged and foreign signatures, changed claims, bad dates, the wrong token type and
key-location headers. Each is refused on verify and by check/, never with a 500.

Forged tokens are signed with the real key unless the forgery is the key itself, so that the
one thing a test changes is the only thing that can make the token fail.
"""

import base64
import hashlib
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from authentication.conf import auth_settings
from authentication.keys import key_ring
from authentication.testing import (
    CHECK_URL,
    ME_URL,
    REFRESH_URL,
    VERIFY_URL,
    assert_cookie_cleared,
    assert_error,
    assert_rejected_access,
    b64url,
    b64url_json,
    bearer,
    claims_of,
    events,
    hmac_signed,
    our_kid,
    refresh_cookie,
    signed_with_our_key,
)
from config.signing_keys import ALGORITHMS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _every_algorithm(signing_algorithm):
    """Every test here runs once per signing algorithm (HS256, RS256, EdDSA)."""


@pytest.fixture
def claims(access) -> dict:
    return claims_of(access)


def foreign_key(algorithm: str):
    """A strong key for ``algorithm`` that is not ours."""
    if algorithm == "HS256":
        return hashlib.sha512(b"a key that is not ours").hexdigest().encode()
    if algorithm == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ed25519.Ed25519PrivateKey.generate()


def public_key_pems() -> list[bytes]:
    public_key = key_ring().signing.verifying_key
    pems = [public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)]
    if isinstance(public_key, rsa.RSAPublicKey):
        pems.append(public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1))
    return pems


def test_token_resigned_with_our_key_is_accepted(api, claims):
    """Control for the forgery tests: re-signing untouched claims with the real key works (ASVS 5.0 9.1.1)."""
    assert api.get(VERIFY_URL, **bearer(signed_with_our_key(claims))).status_code == 200


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
@pytest.mark.parametrize("signature", ["empty", "original"])
def test_alg_none_is_rejected_in_any_letter_case(api, access, claims, alg, signature):
    """RFC 8725 2.1 and 3.2, draft-ietf-oauth-rfc8725bis 2, ASVS 5.0 9.1.2: an unsigned token is never accepted."""
    header = {"alg": alg, "typ": "JWT", "kid": our_kid()}
    tail = access.rsplit(".", 1)[1] if signature == "original" else ""
    forged = f"{b64url_json(header)}.{b64url_json(claims)}.{tail}"
    assert_rejected_access(api, forged)


def test_token_signed_for_another_algorithm_under_our_kid_is_rejected(api, claims, signing_algorithm):
    """RFC 8725 2.1 and 3.1: the algorithm comes from our key, never from the token's header."""
    for other in ALGORITHMS:
        if other != signing_algorithm:
            forged = jwt.encode(claims, foreign_key(other), algorithm=other, headers={"kid": our_kid()})
            assert_rejected_access(api, forged)


@pytest.mark.parametrize("signing_algorithm", ["RS256", "EdDSA"], indirect=True)
@pytest.mark.parametrize("digest", [hashlib.sha256, hashlib.sha384, hashlib.sha512], ids=["HS256", "HS384", "HS512"])
def test_hmac_token_keyed_with_our_public_key_is_rejected(api, claims, signing_algorithm, digest):
    """RFC 8725 2.1, ASVS 5.0 9.1.2: a public key used as an HMAC secret (key confusion) fails."""
    header = {"alg": f"HS{digest().digest_size * 8}", "typ": "JWT", "kid": our_kid()}
    for pem in public_key_pems():
        assert_rejected_access(api, hmac_signed(header, claims, pem, digest))


@pytest.mark.parametrize(
    ("signing_algorithm", "other"),
    [("HS256", "HS384"), ("HS256", "HS512"), ("RS256", "RS384"), ("RS256", "RS512"), ("RS256", "PS256")],
    indirect=["signing_algorithm"],
)
def test_our_key_under_another_algorithm_is_rejected(api, claims, signing_algorithm, other):
    """RFC 8725 3.1, ASVS 5.0 9.1.2: each key is used with exactly one algorithm."""
    forged = jwt.encode(claims, key_ring().signing.signing_key, algorithm=other, headers={"kid": our_kid()})
    assert_rejected_access(api, forged)


def strip_signature(token: str) -> str:
    return token.rsplit(".", 1)[0] + "."


def drop_signature_segment(token: str) -> str:
    return token.rsplit(".", 1)[0]


def truncate_signature(token: str) -> str:
    return token[:-6]


def zero_signature(token: str) -> str:
    signing_input, signature = token.rsplit(".", 1)
    return f"{signing_input}.{b64url(bytes(len(base64.urlsafe_b64decode(signature + '==='))))}"


def flip_signature_character(token: str) -> str:
    signing_input, signature = token.rsplit(".", 1)
    return f"{signing_input}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"


@pytest.mark.parametrize(
    "damage", [strip_signature, drop_signature_segment, truncate_signature, zero_signature, flip_signature_character]
)
def test_damaged_signature_is_rejected(api, access, damage):
    """RFC 8725 3.3, ASVS 5.0 9.1.1: the whole token is rejected when its signature does not verify."""
    forged = damage(access)
    assert forged != access
    assert_rejected_access(api, forged)


def test_token_signed_with_a_foreign_key_is_rejected(api, claims, signing_algorithm):
    """ASVS 4.0.3 3.5.3: a token signed with a key that is not ours (key substitution) fails."""
    forged = jwt.encode(claims, foreign_key(signing_algorithm), algorithm=signing_algorithm, headers={"kid": our_kid()})
    assert_rejected_access(api, forged)


@pytest.mark.parametrize(
    "weak_key",
    [lambda settings: b"", lambda settings: b"secret", lambda settings: settings.SECRET_KEY.encode()],
    ids=["blank", "weak", "django-secret-key"],
)
def test_token_signed_with_a_blank_or_weak_key_is_rejected(api, claims, settings, weak_key):
    """RFC 8725 3.5, RFC 7518 3.2, OWASP JWT Cheat Sheet (weak token secret): blank, guessable and
    SECRET_KEY keys fail."""
    forged = hmac_signed({"alg": "HS256", "typ": "JWT", "kid": our_kid()}, claims, weak_key(settings))
    assert_rejected_access(api, forged)


@pytest.mark.parametrize("claim", ["user_id", "sid", "exp", "token_type", "jti"])
def test_changed_payload_with_the_original_signature_is_rejected(api, access, claims, other_user, claim):
    """ASVS 5.0 9.1.1, RFC 8725 3.3: the signature covers every claim."""
    changed = {
        "user_id": other_user.pk,
        "sid": "00000000-0000-0000-0000-000000000000",
        "exp": claims["exp"] + 365 * 24 * 3600,
        "token_type": "refresh",
        "jti": "0" * 32,
    }
    header, _, signature = access.split(".")
    forged = f"{header}.{b64url_json({**claims, claim: changed[claim]})}.{signature}"
    assert_rejected_access(api, forged)


def test_expired_token_is_rejected_as_expired_and_not_as_tampering(api, claims, security_events):
    """RFC 7519 4.1.4-4.1.5, ASVS 5.0 9.2.1: expired means 401 ``token_expired``; it is not a tamper event."""
    now = int(time.time())
    expired = signed_with_our_key({**claims, "iat": now - 3600, "exp": now - 60})
    assert_error(api.get(VERIFY_URL, **bearer(expired)), 401, "token_expired")
    assert api.post(CHECK_URL, {"token": expired}, format="json").json() == {"valid": False}
    assert events(security_events, "token_tampered") == []


def test_not_yet_valid_token_is_rejected(api, claims):
    """RFC 7519 4.1.4-4.1.5, ASVS 5.0 9.2.1: a token is not accepted before its ``nbf``."""
    forged = signed_with_our_key({**claims, "nbf": int(time.time()) + 3600})
    assert_rejected_access(api, forged)


def test_token_without_expiry_is_rejected(api, claims):
    """ASVS 5.0 9.2.1: ``exp`` is required, so a token can never be made to live forever."""
    forged = signed_with_our_key({name: value for name, value in claims.items() if name != "exp"})
    assert_rejected_access(api, forged)


NON_NUMERIC_DATES = {
    "numeric-string": "9999999999",
    "word": "soon",
    "null": None,
    "boolean": True,
    "list": [9999999999],
    "object": {"at": 9999999999},
    "past-year-9999": 10**20,
    "huge-float": 1e300,
}


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
@pytest.mark.parametrize("value", list(NON_NUMERIC_DATES.values()), ids=list(NON_NUMERIC_DATES))
def test_correctly_signed_token_with_a_bad_date_claim_is_a_401_not_a_500(api, claims, claim, value):
    """RFC 7519 4.1.4-4.1.6: dates are NumericDate numbers. One signed with our own key but holding a
    numeric string (or anything else) is refused on every path that reads a token."""
    forged = signed_with_our_key({**claims, claim: value})
    for response in (api.get(VERIFY_URL, **bearer(forged)), api.get(ME_URL, **bearer(forged))):
        body = assert_error(response, 401)
        assert body["code"] in ("token_invalid", "token_expired")
    check = api.post(CHECK_URL, {"token": forged}, format="json")
    assert (check.status_code, check.json()) == (200, {"valid": False})


@pytest.mark.parametrize("claim", ["exp", "iat"])
def test_refresh_token_with_a_numeric_string_date_is_a_401_not_a_500(api, access, claim):
    refresh = claims_of(refresh_cookie(api))
    api.cookies[auth_settings.REFRESH_COOKIE_NAME] = signed_with_our_key({**refresh, claim: str(refresh[claim])})
    assert_error(api.post(REFRESH_URL), 401, "refresh_invalid")


def test_refresh_token_is_not_accepted_as_an_access_token(api, access):
    """ASVS 5.0 9.2.2, RFC 8725 3.12: only access tokens authorize requests."""
    refresh = refresh_cookie(api)
    assert claims_of(refresh)["token_type"] == "refresh"
    assert_rejected_access(api, refresh)


def test_access_token_is_not_accepted_as_a_refresh_token(api, access):
    """ASVS 5.0 9.2.2, RFC 8725 3.12: the refresh endpoint rejects an access token and clears the cookie."""
    api.cookies[auth_settings.REFRESH_COOKIE_NAME] = access
    response = api.post(REFRESH_URL)
    assert_error(response, 401)
    assert_cookie_cleared(response)


@pytest.mark.parametrize(
    "kid",
    ["unknown-key", "", "../../../../dev/null", "' OR '1'='1", 12345, None, ["a"]],
    ids=["unknown", "empty", "path", "sql", "number", "null", "list"],
)
def test_unknown_kid_is_rejected(api, claims, kid):
    """RFC 8725 3.10: a ``kid`` only selects among our keys; anything else fails without side effects."""
    assert_rejected_access(api, signed_with_our_key(claims, {"kid": kid}))


def test_token_without_kid_is_rejected(api, claims):
    """RFC 8725 3.10: every token names its key; none is guessed."""
    assert_rejected_access(api, signed_with_our_key(claims, {}))


@pytest.mark.parametrize(
    "header",
    [
        {"jku": "https://attacker.example/jwks.json"},
        {"x5u": "https://attacker.example/cert.pem"},
        {"jwk": {"kty": "oct", "k": b64url(b"attacker-chosen-key-of-32-bytes!")}},
        {"x5c": ["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"]},
    ],
    ids=["jku", "x5u", "jwk", "x5c"],
)
def test_token_naming_an_external_key_is_rejected(api, claims, header):
    """ASVS 5.0 9.1.3, RFC 8725 3.10: key-location headers are never followed (SSRF, key substitution)."""
    assert_rejected_access(api, signed_with_our_key(claims, {"kid": our_kid(), **header}))
