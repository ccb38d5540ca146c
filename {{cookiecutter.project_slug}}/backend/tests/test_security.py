"""Security cases (SPEC section 8): forged and misused tokens, hostile headers and bodies, tamper
detection, refresh rotation and reuse detection, CSRF, CORS and the silent-refresh header.

Each test cites the requirement it pins (IDs from the project's security requirements list).
Forged tokens are signed with the real key unless the forgery is the key itself, so that the
one thing a test changes is the only thing that can make the token fail.
"""

import base64
import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta

import jwt
import pytest
{%- if cookiecutter.jwt_algorithm == "RS256" %}
from cryptography.hazmat.primitives import serialization
{%- endif %}
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db.models import F
from jwt.algorithms import get_default_algorithms
from rest_framework.test import APIClient

from authentication.keys import key_ring
from authentication.models import IssuedRefreshToken, Session

from .conftest import ORIGIN, PASSWORD, bearer, clear_test_cache

LOGIN_URL = "/api/auth/login/"
REFRESH_URL = "/api/auth/refresh/"
LOGOUT_URL = "/api/auth/logout/"
VERIFY_URL = "/api/auth/verify/"
CHECK_URL = "/api/auth/check/"
PASSWORD_URL = "/api/auth/password/"
ME_URL = "/api/me/"
SILENT_REFRESH_HEADER = "X-New-Access-Token"
CROSS_SITE_ORIGIN = "https://evil.example.net"


# --- Building tokens by hand ---------------------------------------------------------------


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_json(value) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def hmac_signed(header: dict, claims: dict, key: bytes, digest=hashlib.sha256) -> str:
    """A JWT assembled by hand, so that any header and any key (empty, weak, a PEM) can be used."""
    signing_input = f"{b64url_json(header)}.{b64url_json(claims)}"
    signature = hmac.new(key, signing_input.encode(), digest).digest()
    return f"{signing_input}.{b64url(signature)}"


def signed_with_our_key(claims: dict, headers: dict | None = None) -> str:
    """Signed with the real key and algorithm; ``headers`` replaces the ``kid`` (even with what PyJWT refuses)."""
    key = key_ring().signing
    algorithm = get_default_algorithms()[key.algorithm]
    header = {"alg": key.algorithm, "typ": "JWT", **({"kid": key.kid} if headers is None else headers)}
    signing_input = f"{b64url_json(header)}.{b64url_json(claims)}"
    signature = algorithm.sign(signing_input.encode(), algorithm.prepare_key(key.signing_key))
    return f"{signing_input}.{b64url(signature)}"


def our_kid() -> str:
    return key_ring().signing.kid


@pytest.fixture(scope="module")
def rsa_key():
    """An RSA key that this server has never seen."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


# --- Assertions ----------------------------------------------------------------------------


def leaked_secrets(settings) -> list[str]:
{%- if cookiecutter.jwt_algorithm == "HS256" %}
    names = ("SECRET_KEY", "JWT_SIGNING_KEY")
{%- else %}
    names = ("SECRET_KEY", "JWT_PRIVATE_KEY")
{%- endif %}
    return [value for value in (getattr(settings, name, "") for name in names) if value]


def assert_error(response, status: int, settings, code: str | None = None) -> dict:
    """The one JSON error shape, without tracebacks or secrets (ASVS 5 16.5.1)."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert {"detail", "code"} <= set(body) <= {"detail", "code", "fields"}
    assert isinstance(body["detail"], str)
    assert isinstance(body["code"], str)
    if code is not None:
        assert body["code"] == code
    text = response.content.decode()
    assert "Traceback" not in text
    assert 'File "' not in text
    assert "PRIVATE KEY" not in text
    for secret in leaked_secrets(settings):
        assert secret not in text
    return body


def assert_rejected_access(api, token: str, settings, code: str = "token_invalid") -> None:
    """The token neither authenticates a request nor passes ``check/``."""
    assert_error(api.get(VERIFY_URL, **bearer(token)), 401, settings, code)
    assert api.post(CHECK_URL, {"token": token}, format="json").json() == {"valid": False}


def assert_cookie_cleared(response, settings) -> None:
    morsel = response.cookies[settings.REFRESH_COOKIE_NAME]
    assert morsel.value == ""
    assert int(morsel["max-age"]) == 0


def refresh_cookie(client, settings) -> str:
    return client.cookies[settings.REFRESH_COOKIE_NAME].value


def copy_cookies(source: APIClient, target: APIClient) -> APIClient:
    for name, morsel in source.cookies.items():
        target.cookies[name] = morsel.value
    return target


def session_of(refresh_token: str) -> Session:
    return Session.objects.get(pk=claims_of(refresh_token)["sid"])


def age_rotation(refresh_token: str, by: timedelta) -> None:
    """Move the first rotation of ``refresh_token`` back in time, as if ``by`` had passed."""
    jti = claims_of(refresh_token)["jti"]
    assert IssuedRefreshToken.objects.filter(jti=jti).update(rotated_at=F("rotated_at") - by) == 1


def events(security_events, name: str) -> list[logging.LogRecord]:
    return [record for record in security_events() if getattr(record, "event", None) == name]


@pytest.fixture
def access(login) -> str:
    """The access token of a live web session; ``api`` keeps its cookies."""
    response = login()
    assert response.status_code == 200
    return response.data["access"]


@pytest.fixture
def claims(access) -> dict:
    return claims_of(access)


@pytest.fixture
def commit_callbacks(django_capture_on_commit_callbacks):
    """Run on-commit work (cache invalidation after revocation) as a committed request would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# --- Forgery -------------------------------------------------------------------------------


def test_token_resigned_with_our_key_is_accepted(api, claims):
    """Control for the forgery tests: re-signing untouched claims with the real key works (R-ASVS5-9.1.1)."""
    assert api.get(VERIFY_URL, **bearer(signed_with_our_key(claims))).status_code == 200


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
@pytest.mark.parametrize("signature", ["empty", "original"])
def test_alg_none_is_rejected_in_any_letter_case(api, access, claims, settings, alg, signature):
    """R-8725-2.1, R-8725-3.2, R-8725bis-case, R-ASVS5-9.1.2: an unsigned token is never accepted."""
    header = {"alg": alg, "typ": "JWT", "kid": our_kid()}
    tail = access.rsplit(".", 1)[1] if signature == "original" else ""
    forged = f"{b64url_json(header)}.{b64url_json(claims)}.{tail}"
    assert_rejected_access(api, forged, settings)
{%- if cookiecutter.jwt_algorithm == "HS256" %}


def test_token_signed_with_an_rsa_key_is_rejected(api, claims, rsa_key, settings):
    """R-8725-2.1, R-8725-3.1: the algorithm comes from our key, never from the token's header."""
    forged = jwt.encode(claims, rsa_key, algorithm="RS256", headers={"kid": our_kid()})
    assert_rejected_access(api, forged, settings)


@pytest.mark.parametrize("digest", [hashlib.sha384, hashlib.sha512], ids=["HS384", "HS512"])
def test_other_hmac_algorithm_with_the_right_key_is_rejected(api, claims, settings, digest):
    """R-8725-3.1, R-ASVS5-9.1.2: each key is used with exactly one algorithm."""
    header = {"alg": f"HS{digest().digest_size * 8}", "typ": "JWT", "kid": our_kid()}
    forged = hmac_signed(header, claims, settings.JWT_SIGNING_KEY.encode(), digest)
    assert_rejected_access(api, forged, settings)


@pytest.fixture
def foreign_signing_key() -> bytes:
    """A strong key of the right algorithm that is not ours."""
    return hashlib.sha512(b"a key that is not ours").hexdigest().encode()
{%- else %}


def public_key_pems() -> list[bytes]:
    public_key = key_ring().signing.verifying_key
    return [
        public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo),
        public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1),
    ]


@pytest.mark.parametrize("digest", [hashlib.sha256, hashlib.sha384, hashlib.sha512], ids=["HS256", "HS384", "HS512"])
def test_hmac_token_keyed_with_the_public_key_is_rejected(api, claims, settings, digest):
    """R-8725-2.1, R-ASVS5-9.1.2: the RSA public key used as an HMAC secret (key confusion) fails."""
    header = {"alg": f"HS{digest().digest_size * 8}", "typ": "JWT", "kid": our_kid()}
    for pem in public_key_pems():
        assert_rejected_access(api, hmac_signed(header, claims, pem, digest), settings)


@pytest.mark.parametrize("algorithm", ["RS384", "RS512", "PS256"])
def test_other_rsa_algorithm_with_the_right_key_is_rejected(api, claims, settings, algorithm):
    """R-8725-3.1: the key signs and verifies with RS256 only."""
    forged = jwt.encode(claims, key_ring().signing.signing_key, algorithm=algorithm, headers={"kid": our_kid()})
    assert_rejected_access(api, forged, settings)


@pytest.fixture
def foreign_signing_key(rsa_key):
    """A strong key of the right algorithm that is not ours."""
    return rsa_key
{%- endif %}


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
def test_damaged_signature_is_rejected(api, access, settings, damage):
    """R-8725-3.3, R-ASVS5-9.1.1: the whole token is rejected when its signature does not verify."""
    forged = damage(access)
    assert forged != access
    assert_rejected_access(api, forged, settings)


def test_token_signed_with_a_foreign_key_is_rejected(api, claims, settings, foreign_signing_key):
    """R-ASVS4-3.5.3: a token signed with a key that is not ours (key substitution) fails."""
    forged = jwt.encode(claims, foreign_signing_key, algorithm=key_ring().signing.algorithm, headers={"kid": our_kid()})
    assert_rejected_access(api, forged, settings)


@pytest.mark.parametrize(
    "weak_key",
    [lambda settings: b"", lambda settings: b"secret", lambda settings: settings.SECRET_KEY.encode()],
    ids=["blank", "weak", "django-secret-key"],
)
def test_token_signed_with_a_blank_or_weak_key_is_rejected(api, claims, settings, weak_key):
    """R-8725-3.5, R-7518-3.2, R-OWASP-JWT-weak: blank, guessable and SECRET_KEY keys fail."""
    forged = hmac_signed({"alg": "HS256", "typ": "JWT", "kid": our_kid()}, claims, weak_key(settings))
    assert_rejected_access(api, forged, settings)


@pytest.mark.parametrize("claim", ["user_id", "sid", "exp", "token_type", "jti"])
def test_changed_payload_with_the_original_signature_is_rejected(api, access, claims, other_user, settings, claim):
    """R-ASVS5-9.1.1, R-8725-3.3: the signature covers every claim."""
    changed = {
        "user_id": other_user.pk,
        "sid": "00000000-0000-0000-0000-000000000000",
        "exp": claims["exp"] + 365 * 24 * 3600,
        "token_type": "refresh",
        "jti": "0" * 32,
    }
    header, _, signature = access.split(".")
    forged = f"{header}.{b64url_json({**claims, claim: changed[claim]})}.{signature}"
    assert_rejected_access(api, forged, settings)


def test_expired_token_is_rejected_as_expired_and_not_as_tampering(api, claims, settings, security_events):
    """R-7519-exp/nbf, R-ASVS5-9.2.1: expired means 401 ``token_expired``; it is not a tamper event."""
    now = int(time.time())
    expired = signed_with_our_key({**claims, "iat": now - 3600, "exp": now - 60})
    assert_error(api.get(VERIFY_URL, **bearer(expired)), 401, settings, "token_expired")
    assert api.post(CHECK_URL, {"token": expired}, format="json").json() == {"valid": False}
    assert events(security_events, "token_tampered") == []


def test_not_yet_valid_token_is_rejected(api, claims, settings):
    """R-7519-exp/nbf, R-ASVS5-9.2.1: a token is not accepted before its ``nbf``."""
    forged = signed_with_our_key({**claims, "nbf": int(time.time()) + 3600})
    assert_rejected_access(api, forged, settings)


def test_token_without_expiry_is_rejected(api, claims, settings):
    """R-ASVS5-9.2.1: ``exp`` is required, so a token can never be made to live forever."""
    forged = signed_with_our_key({name: value for name, value in claims.items() if name != "exp"})
    assert_rejected_access(api, forged, settings)


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
def test_correctly_signed_token_with_a_bad_date_claim_is_a_401_not_a_500(api, claims, settings, claim, value):
    """RFC 7519 4.1.4-4.1.6: dates are NumericDate numbers. One signed with our own key but holding a
    numeric string (or anything else) is refused on every path that reads a token."""
    forged = signed_with_our_key({**claims, claim: value})
    for response in (api.get(VERIFY_URL, **bearer(forged)), api.get(ME_URL, **bearer(forged))):
        body = assert_error(response, 401, settings)
        assert body["code"] in ("token_invalid", "token_expired")
    check = api.post(CHECK_URL, {"token": forged}, format="json")
    assert (check.status_code, check.json()) == (200, {"valid": False})


@pytest.mark.parametrize("claim", ["exp", "iat"])
def test_refresh_token_with_a_numeric_string_date_is_a_401_not_a_500(api, access, settings, claim):
    refresh = claims_of(refresh_cookie(api, settings))
    api.cookies[settings.REFRESH_COOKIE_NAME] = signed_with_our_key({**refresh, claim: str(refresh[claim])})
    assert_error(api.post(REFRESH_URL), 401, settings, "refresh_invalid")


def test_refresh_token_is_not_accepted_as_an_access_token(api, access, settings):
    """R-ASVS5-9.2.2, R-8725-3.12: only access tokens authorize requests."""
    refresh = refresh_cookie(api, settings)
    assert claims_of(refresh)["token_type"] == "refresh"
    assert_rejected_access(api, refresh, settings)


def test_access_token_is_not_accepted_as_a_refresh_token(api, access, settings):
    """R-ASVS5-9.2.2, R-8725-3.12: the refresh endpoint rejects an access token and clears the cookie."""
    api.cookies[settings.REFRESH_COOKIE_NAME] = access
    response = api.post(REFRESH_URL)
    assert_error(response, 401, settings)
    assert_cookie_cleared(response, settings)


def test_tokens_of_a_deactivated_user_are_rejected(api, user, access, settings, commit_callbacks):
    """R-ASVS5-7.4.2, R-8725-3.8: deactivating an account ends its sessions at once."""
    refresh = refresh_cookie(api, settings)
    assert api.get(VERIFY_URL, **bearer(access)).status_code == 200
    user.is_active = False
    with commit_callbacks():
        user.save()
    assert_rejected_access(api, access, settings, "session_revoked")
    assert_error(api.post(REFRESH_URL), 401, settings)
    assert session_of(refresh).is_revoked


def test_tokens_of_a_deleted_user_are_rejected(api, user, access, settings, commit_callbacks):
    """R-ASVS5-7.4.2, R-8725-3.8: a deleted account's tokens name no valid subject."""
    assert api.get(VERIFY_URL, **bearer(access)).status_code == 200
    with commit_callbacks():
        user.delete()
    assert_rejected_access(api, access, settings, "session_revoked")
    assert_error(api.post(REFRESH_URL), 401, settings)


def test_tokens_from_before_a_password_change_are_rejected(api, login, access, settings, commit_callbacks):
    """R-ASVS5-7.4.3, R-9700-4.14.2: a password change ends every other session of the user."""
    other_device = APIClient(HTTP_ORIGIN=ORIGIN, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    other_access = login(client=other_device).data["access"]
    old_refresh = refresh_cookie(api, settings)
    assert other_device.get(VERIFY_URL, **bearer(other_access)).status_code == 200
    with commit_callbacks():
        response = api.post(
            PASSWORD_URL,
            {"current_password": PASSWORD, "new_password": "a-brand-new-passphrase-42"},
            format="json",
            **bearer(access),
        )
    assert response.status_code == 200
    assert_rejected_access(api, access, settings, "session_revoked")
    assert_rejected_access(other_device, other_access, settings, "session_revoked")
    assert_error(other_device.post(REFRESH_URL), 401, settings)
    api.cookies[settings.REFRESH_COOKIE_NAME] = old_refresh
    assert_error(api.post(REFRESH_URL), 401, settings)
    assert api.get(VERIFY_URL, **bearer(response.data["access"])).status_code == 200


def test_access_token_is_rejected_at_once_after_logout(api, access, settings, commit_callbacks):
    """R-ASVS5-7.4.1, R-ASVS4-3.3.1: logout ends the session's access tokens, not only its refresh token."""
    assert api.get(VERIFY_URL, **bearer(access)).status_code == 200
    assert api.post(CHECK_URL, {"token": access}, format="json").json() == {"valid": True}
    with commit_callbacks():
        assert api.post(LOGOUT_URL).status_code == 204
    assert_rejected_access(api, access, settings, "session_revoked")


# --- Headers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kid",
    ["unknown-key", "", "../../../../dev/null", "' OR '1'='1", 12345, None, ["a"]],
    ids=["unknown", "empty", "path", "sql", "number", "null", "list"],
)
def test_unknown_kid_is_rejected(api, claims, settings, kid):
    """R-8725-3.10: a ``kid`` only selects among our keys; anything else fails without side effects."""
    assert_rejected_access(api, signed_with_our_key(claims, {"kid": kid}), settings)


def test_token_without_kid_is_rejected(api, claims, settings):
    """R-8725-3.10: every token names its key; none is guessed."""
    assert_rejected_access(api, signed_with_our_key(claims, {}), settings)


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
def test_token_naming_an_external_key_is_rejected(api, claims, settings, header):
    """R-ASVS5-9.1.3, R-8725-3.10: key-location headers are never followed (SSRF, key substitution)."""
    assert_rejected_access(api, signed_with_our_key(claims, {"kid": our_kid(), **header}), settings)


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer",
        "Bearer ",
        "Bearer a b",
        "Bearer \u00e9\u00e8\u00ff.\u00e9.\u00e9",
        "Bearer \u20ac\u2603",
        "Bearer " + "a" * 10 * 1024,
        "Bearer a.b.c",
        "Bearer ...",
        "Bearer \x00",
        "Basic YWxpY2U6cGFzc3dvcmQ=",
        "bearer abc",
        "Token abc",
    ],
    ids=[
        "scheme-only",
        "scheme-space",
        "three-parts",
        "latin1",
        "non-latin1",
        "10kb",
        "garbage-segments",
        "empty-segments",
        "nul",
        "basic",
        "lowercase-scheme",
        "other-scheme",
    ],
)
def test_malformed_authorization_header_gets_401_not_500(bare_api, settings, authorization):
    """R-ASVS5-16.5.3, R-ASVS5-16.5.1: bad ``Authorization`` headers are plain 401s in the error shape."""
    response = bare_api.get(VERIFY_URL, HTTP_AUTHORIZATION=authorization)
    assert_error(response, 401, settings)
    assert response["WWW-Authenticate"].startswith("Bearer")


# --- Tamper detection ----------------------------------------------------------------------


def test_invalid_token_is_logged_as_a_security_event_with_the_client_address(api, access, settings, security_events):
    """R-ASVS4-3.5.3: tampering is a security event with the caller's address; the token is not logged."""
    forged = flip_signature_character(access)
    assert_error(api.get(VERIFY_URL, **bearer(forged)), 401, settings, "token_invalid")
    [record] = events(security_events, "token_tampered")
    assert record.levelno == logging.WARNING
    assert record.client_ip == "127.0.0.1"
    assert record.count == 1
    logged = json.dumps({name: str(value) for name, value in vars(record).items()})
    assert forged.split(".")[2] not in logged
    assert access.split(".")[1] not in logged


def test_repeated_invalid_tokens_from_one_address_get_429(api, access, settings, security_events):
    """R-ASVS4-3.5.3, SPEC 3.2: past the tamper threshold that address is answered 429; others are not."""
    settings.TAMPER_THRESHOLD = 3
    forged = flip_signature_character(access)
    for _ in range(3):
        assert_error(api.get(VERIFY_URL, **bearer(forged)), 401, settings, "token_invalid")
    assert [record.count for record in events(security_events, "token_tampered")] == [1, 2, 3]
    response = api.get(VERIFY_URL, **bearer(access))
    assert_error(response, 429, settings, "throttled")
    assert int(response["Retry-After"]) > 0
    assert events(security_events, "tamper_blocked")
    assert api.get(VERIFY_URL, REMOTE_ADDR="127.0.0.2", **bearer(access)).status_code == 200


def test_forwarded_for_header_does_not_escape_the_tamper_block(api, access, settings):
    """R-WSTG-XFF, R-ASVS5-4.1.3: a client-written X-Forwarded-For does not change who is counted."""
    settings.TAMPER_THRESHOLD = 2
    forged = flip_signature_character(access)
    for hop in ("203.0.113.1", "203.0.113.2"):
        api.get(VERIFY_URL, HTTP_X_FORWARDED_FOR=hop, **bearer(forged))
    response = api.get(VERIFY_URL, HTTP_X_FORWARDED_FOR="198.51.100.7", **bearer(access))
    assert_error(response, 429, settings, "throttled")


def test_expired_tokens_do_not_count_as_tampering(api, claims, access, settings, security_events):
    """R-7519-exp/nbf, SPEC 9 (the guide logged expiry as tampering): expired tokens never lead to a block."""
    settings.TAMPER_THRESHOLD = 2
    now = int(time.time())
    expired = signed_with_our_key({**claims, "iat": now - 3600, "exp": now - 1})
    for _ in range(5):
        assert_error(api.get(VERIFY_URL, **bearer(expired)), 401, settings, "token_expired")
    assert events(security_events, "token_tampered") == []
    assert api.get(VERIFY_URL, **bearer(access)).status_code == 200


def test_tamper_counter_lives_in_the_shared_cache(api, access, settings):
    """R-ASVS4-3.5.3, SPEC 3.2: the counter is in the shared cache every worker sees, not in process memory."""
    settings.TAMPER_THRESHOLD = 2
    forged = flip_signature_character(access)
    for _ in range(2):
        api.get(VERIFY_URL, **bearer(forged))
    assert api.get(VERIFY_URL, **bearer(access)).status_code == 429
    clear_test_cache()  # this run's keys only: other runs may share the Redis database
    assert api.get(VERIFY_URL, **bearer(access)).status_code == 200


# --- Refresh rotation, reuse detection, logout ---------------------------------------------


def test_refresh_rotates_the_cookie_with_hardened_flags(api, access, settings):
    """R-ASVS5-3.3.1, R-ASVS5-3.3.4, R-ASVS4-3.4.x, R-9700-4.14.2: a new HttpOnly, Secure, narrow cookie."""
    old = refresh_cookie(api, settings)
    response = api.post(REFRESH_URL)
    assert response.status_code == 200
    assert settings.REFRESH_COOKIE_NAME.startswith(("__Secure-", "__Host-"))
    morsel = response.cookies[settings.REFRESH_COOKIE_NAME]
    assert morsel.value not in ("", old)
    assert morsel["httponly"] is True
    assert morsel["secure"] is True
    assert morsel["samesite"] == "Lax"
    assert morsel["path"] == "/api/auth/"
    lifetime = settings.REFRESH_TOKEN_LIFETIME.total_seconds()
    assert lifetime - 5 <= int(morsel["max-age"]) <= lifetime
    assert claims_of(morsel.value)["jti"] != claims_of(old)["jti"]
    assert claims_of(morsel.value)["sid"] == claims_of(old)["sid"]
    assert "no-store" in response["Cache-Control"]
    assert morsel.value not in response.content.decode()
    assert api.get(VERIFY_URL, **bearer(response.data["access"])).status_code == 200


def test_rotated_out_refresh_token_is_rejected_after_the_grace_window(api, access, settings):
    """R-ASVS5-10.4.5: a refresh token is invalid once used."""
    settings.REFRESH_GRACE_PERIOD = timedelta(0)
    old = refresh_cookie(api, settings)
    assert api.post(REFRESH_URL).status_code == 200
    api.cookies[settings.REFRESH_COOKIE_NAME] = old
    response = api.post(REFRESH_URL)
    assert_error(response, 401, settings)
    assert_cookie_cleared(response, settings)


def test_reused_refresh_token_revokes_the_session(api, access, settings, security_events, commit_callbacks):
    """R-9700-4.14.2, R-ASVS5-10.4.5: replaying a rotated token revokes the live refresh and access tokens."""
    old = refresh_cookie(api, settings)
    rotated = api.post(REFRESH_URL)
    current_refresh, current_access = refresh_cookie(api, settings), rotated.data["access"]
    assert api.get(VERIFY_URL, **bearer(current_access)).status_code == 200
    age_rotation(old, settings.REFRESH_GRACE_PERIOD + timedelta(seconds=1))

    api.cookies[settings.REFRESH_COOKIE_NAME] = old
    with commit_callbacks():
        response = api.post(REFRESH_URL)
    assert_error(response, 401, settings, "session_revoked")
    assert_cookie_cleared(response, settings)
    session = session_of(old)
    assert session.is_revoked
    assert session.revoke_reason == "reuse_detected"
    assert events(security_events, "refresh_reuse_detected")

    api.cookies[settings.REFRESH_COOKIE_NAME] = current_refresh
    assert_error(api.post(REFRESH_URL), 401, settings, "session_revoked")
    assert_rejected_access(api, current_access, settings, "session_revoked")
    assert_rejected_access(api, access, settings, "session_revoked")


def test_repeat_within_the_grace_window_gets_the_same_successor(api, access, settings):
    """R-ASVS5-15.4.2: two tabs refreshing at once share one successor; the session is not forked or revoked."""
    old = refresh_cookie(api, settings)
    first = api.post(REFRESH_URL)
    successor = refresh_cookie(api, settings)
    api.cookies[settings.REFRESH_COOKIE_NAME] = old
    repeat = api.post(REFRESH_URL)
    assert repeat.status_code == 200
    assert claims_of(refresh_cookie(api, settings))["jti"] == claims_of(successor)["jti"]
    session = session_of(old)
    assert not session.is_revoked
    assert session.refresh_tokens.filter(rotated_at__isnull=True).count() == 1
    for response in (first, repeat):
        assert api.get(VERIFY_URL, **bearer(response.data["access"])).status_code == 200
    assert api.post(REFRESH_URL).status_code == 200


def test_grace_window_counts_from_the_first_rotation(api, access, settings):
    """SPEC 3.2, R-ASVS5-10.4.5: the grace window is absolute; a repeat inside it does not extend it."""
    settings.REFRESH_GRACE_PERIOD = timedelta(seconds=10)
    old = refresh_cookie(api, settings)
    assert api.post(REFRESH_URL).status_code == 200
    age_rotation(old, timedelta(seconds=8))
    api.cookies[settings.REFRESH_COOKIE_NAME] = old
    assert api.post(REFRESH_URL).status_code == 200
    age_rotation(old, timedelta(seconds=4))
    api.cookies[settings.REFRESH_COOKIE_NAME] = old
    assert_error(api.post(REFRESH_URL), 401, settings, "session_revoked")
    assert session_of(old).is_revoked


def test_refresh_never_outlives_the_absolute_session_cap(api, login, settings):
    """R-ASVS5-10.4.8, R-ASVS4-3.3.2: sliding refreshes never extend a session past its absolute lifetime."""
    settings.SESSION_ABSOLUTE_LIFETIME = timedelta(seconds=60)
    assert login().status_code == 200
    session = session_of(refresh_cookie(api, settings))
    cap = session.absolute_expires_at.timestamp()
    for _ in range(3):
        response = api.post(REFRESH_URL)
        assert response.status_code == 200
        assert claims_of(refresh_cookie(api, settings))["exp"] <= cap
        assert 0 < int(response.cookies[settings.REFRESH_COOKIE_NAME]["max-age"]) <= 60


def test_session_ends_at_its_absolute_cap(api, login, settings):
    """R-ASVS5-10.4.8: once the absolute lifetime has passed, neither refresh nor access works."""
    settings.SESSION_ABSOLUTE_LIFETIME = timedelta(seconds=1)
    access = login().data["access"]
    assert api.get(VERIFY_URL, **bearer(access)).status_code == 200
    time.sleep(1.1)
    response = api.post(REFRESH_URL)
    assert_error(response, 401, settings)
    assert_cookie_cleared(response, settings)
    assert_error(api.get(VERIFY_URL, **bearer(access)), 401, settings)


def test_logout_revokes_the_session_and_clears_the_cookie(api, access, settings, security_events):
    """R-ASVS5-7.4.1, R-9700-4.14.2: logout revokes the whole session and removes the cookie."""
    refresh = refresh_cookie(api, settings)
    response = api.post(LOGOUT_URL)
    assert response.status_code == 204
    assert_cookie_cleared(response, settings)
    session = session_of(refresh)
    assert session.is_revoked
    assert session.revoke_reason == "logout"
    assert events(security_events, "logout")


def test_logout_works_with_only_the_cookie_and_an_expired_access_token(api, claims, settings):
    """R-ASVS5-7.4.1, SPEC 9 (the guide's logout needed a valid access token): an expired one does not block it."""
    refresh = refresh_cookie(api, settings)
    now = int(time.time())
    expired = signed_with_our_key({**claims, "iat": now - 3600, "exp": now - 60})
    response = api.post(LOGOUT_URL, **bearer(expired))
    assert response.status_code == 204
    assert session_of(refresh).is_revoked


def test_logout_is_idempotent(api, access, settings):
    """R-ASVS4-3.3.1, SPEC 3.1: logging out twice, or without a cookie, is not an error."""
    refresh = refresh_cookie(api, settings)
    assert api.post(LOGOUT_URL).status_code == 204
    api.cookies[settings.REFRESH_COOKIE_NAME] = refresh
    assert api.post(LOGOUT_URL).status_code == 204
    del api.cookies[settings.REFRESH_COOKIE_NAME]
    assert api.post(LOGOUT_URL).status_code == 204
    api.cookies[settings.REFRESH_COOKIE_NAME] = "not-a-token"
    assert api.post(LOGOUT_URL).status_code == 204


def test_refresh_after_logout_fails_and_clears_the_cookie(api, access, settings):
    """R-ASVS4-3.3.1: a logged-out session cannot be resumed with its old refresh token."""
    before_logout = copy_cookies(api, APIClient(HTTP_ORIGIN=ORIGIN, HTTP_X_REQUESTED_WITH="XMLHttpRequest"))
    assert api.post(LOGOUT_URL).status_code == 204
    response = before_logout.post(REFRESH_URL)
    assert_error(response, 401, settings, "session_revoked")
    assert_cookie_cleared(response, settings)


# --- CSRF on the cookie endpoints ----------------------------------------------------------


COOKIE_ENDPOINTS = [LOGIN_URL, REFRESH_URL, LOGOUT_URL]


def cookie_endpoint_call(client, url: str):
    if url == LOGIN_URL:
        return client.post(url, {"username": "alice", "password": PASSWORD}, format="json")
    return client.post(url)


@pytest.mark.parametrize("url", COOKIE_ENDPOINTS)
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": ORIGIN},
        {"HTTP_ORIGIN": ORIGIN, "HTTP_X_REQUESTED_WITH": "fetch"},
        {"HTTP_ORIGIN": CROSS_SITE_ORIGIN, "HTTP_X_REQUESTED_WITH": "XMLHttpRequest"},
        {"HTTP_ORIGIN": "null", "HTTP_X_REQUESTED_WITH": "XMLHttpRequest"},
        {"HTTP_ORIGIN": CROSS_SITE_ORIGIN, "HTTP_REFERER": f"{ORIGIN}/", "HTTP_X_REQUESTED_WITH": "XMLHttpRequest"},
        {"HTTP_REFERER": f"{CROSS_SITE_ORIGIN}/", "HTTP_X_REQUESTED_WITH": "XMLHttpRequest"},
        {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"},
        {"HTTP_ORIGIN": ORIGIN + ".evil.example", "HTTP_X_REQUESTED_WITH": "XMLHttpRequest"},
    ],
    ids=[
        "no-custom-header",
        "wrong-custom-header",
        "cross-site-origin",
        "null-origin",
        "cross-site-origin-allowed-referer",
        "cross-site-referer",
        "no-origin-no-referer",
        "suffixed-origin",
    ],
)
def test_cross_site_request_to_a_cookie_endpoint_is_rejected(api, access, settings, url, headers):
    """R-ASVS5-3.5.1, R-OWASP-CSRF-login, R-OWASP-JWT-cookie: allowed Origin and custom header are both required."""
    refresh = refresh_cookie(api, settings)
    response = cookie_endpoint_call(copy_cookies(api, APIClient(**headers)), url)
    assert_error(response, 403, settings, "csrf_failed")
    assert settings.REFRESH_COOKIE_NAME not in response.cookies
    assert not session_of(refresh).is_revoked


@pytest.mark.parametrize("url", COOKIE_ENDPOINTS)
def test_allowed_referer_stands_in_for_a_missing_origin(api, access, settings, url):
    """R-ASVS5-3.5.1: without ``Origin``, an allowed ``Referer`` with the custom header is same-site."""
    client = copy_cookies(api, APIClient(HTTP_REFERER=f"{ORIGIN}/dashboard", HTTP_X_REQUESTED_WITH="XMLHttpRequest"))
    assert cookie_endpoint_call(client, url).status_code in (200, 204)


@pytest.mark.parametrize("url", COOKIE_ENDPOINTS)
def test_cross_site_defence_holds_with_samesite_none(api, access, settings, url):
    """R-OWASP-CSRF-samesite: with ``SameSite=None`` (cross-site deployments) the checks still apply."""
    settings.REFRESH_COOKIE_SAMESITE = "None"
    cross_site = copy_cookies(api, APIClient(HTTP_ORIGIN=CROSS_SITE_ORIGIN, HTTP_X_REQUESTED_WITH="XMLHttpRequest"))
    assert_error(cookie_endpoint_call(cross_site, url), 403, settings, "csrf_failed")
    response = cookie_endpoint_call(api, url)
    assert response.status_code in (200, 204)
    if url != LOGOUT_URL:
        morsel = response.cookies[settings.REFRESH_COOKIE_NAME]
        assert morsel["samesite"] == "None"
        assert morsel["secure"] is True


# --- CORS ----------------------------------------------------------------------------------


def test_allowed_origin_is_echoed_with_credentials_and_exposed_headers(api, access):
    """R-ASVS5-3.4.2, SPEC 3.3: the allowed origin is echoed, credentials allowed, the renewal header exposed."""
    response = api.get(VERIFY_URL, **bearer(access))
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert response["Access-Control-Allow-Credentials"] == "true"
    exposed = [name.strip().lower() for name in response["Access-Control-Expose-Headers"].split(",")]
    assert SILENT_REFRESH_HEADER.lower() in exposed


def test_preflight_from_the_allowed_origin_permits_the_custom_header(bare_api):
    """R-ASVS5-3.5.2: the browser client's preflight for the cookie endpoints succeeds."""
    response = bare_api.options(
        REFRESH_URL,
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-requested-with, content-type",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert "x-requested-with" in response["Access-Control-Allow-Headers"].lower()


@pytest.mark.parametrize("origin", [CROSS_SITE_ORIGIN, "null", "http://localhost:3000", ORIGIN + ".evil.example"])
def test_disallowed_origin_gets_no_cors_grant(bare_api, origin):
    """R-ASVS4-14.5.3, R-ASVS5-3.4.2: no echo, no wildcard, no ``null`` for origins not listed."""
    for response in (
        bare_api.get(VERIFY_URL, HTTP_ORIGIN=origin),
        bare_api.options(REFRESH_URL, HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"),
    ):
        assert "Access-Control-Allow-Origin" not in response
        assert "Access-Control-Allow-Credentials" not in response


def test_cors_never_answers_with_a_wildcard(api, bare_api, access):
    """R-ASVS4-14.5.3: credentials are never combined with ``*``."""
    responses = [
        api.get(VERIFY_URL, **bearer(access)),
        api.post(REFRESH_URL),
        bare_api.get(VERIFY_URL, HTTP_ORIGIN="*"),
        bare_api.options(LOGIN_URL, HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"),
    ]
    for response in responses:
        assert response.get("Access-Control-Allow-Origin") != "*"


# --- Login ---------------------------------------------------------------------------------


def test_login_does_not_reveal_which_accounts_exist(api, user, django_user_model, settings):
    """R-ASVS5-6.3.8, R-OWASP-Auth-generic: unknown user, wrong password and inactive user look the same."""
    django_user_model.objects.create_user(username="carol", password=PASSWORD, is_active=False)
    attempts = [("nobody", PASSWORD), ("alice", "wrong-password-123"), ("carol", PASSWORD)]
    responses = [api.post(LOGIN_URL, {"username": u, "password": p}, format="json") for u, p in attempts]
    bodies = [assert_error(response, 401, settings, "invalid_credentials") for response in responses]
    assert bodies[0] == bodies[1] == bodies[2]
    assert {response.get("WWW-Authenticate") for response in responses} == {responses[0].get("WWW-Authenticate")}
    assert all(settings.REFRESH_COOKIE_NAME not in response.cookies for response in responses)


def test_sixth_login_attempt_in_a_minute_is_throttled(api, user, settings):
    """R-ASVS4-2.2.1, R-ASVS5-6.3.1, R-WSTG-XFF: five attempts a minute; a forged X-Forwarded-For changes nothing."""
    for attempt in range(5):
        response = api.post(
            LOGIN_URL,
            {"username": "alice", "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}",
        )
        assert_error(response, 401, settings, "invalid_credentials")
    response = api.post(
        LOGIN_URL, {"username": "alice", "password": PASSWORD}, format="json", HTTP_X_FORWARDED_FOR="10.9.9.9"
    )
    assert_error(response, 429, settings, "throttled")


# --- Hostile bodies ------------------------------------------------------------------------


ENDPOINT_FIELDS = {
    LOGIN_URL: ("username", "password"),
    CHECK_URL: ("token",),
    PASSWORD_URL: ("current_password", "new_password"),
}

RAW_BODIES = {
    "array": b'["alice", "pw"]',
    "empty-array": b"[]",
    "string": b'"alice"',
    "number": b"42",
    "null": b"null",
    "boolean": b"true",
    "empty": b"",
    "truncated": b'{"username": "alice", "pass',
    "invalid-utf8": b'{"username": "\xff\xfe\xc3", "password": "\xed\xa0\x80"}',
    "2mb": b'{"username": "' + b"a" * (2 * 1024 * 1024) + b'"}',
    "deep-arrays": b"[" * 100_000 + b"]" * 100_000,
    "deep-objects": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
}

FIELD_VALUES = {
    "nested-objects": {"$gt": "", "deeper": {"deepest": [1, {"x": None}]}},
    "lists": ["alice", "bob"],
    "booleans": True,
    "nulls": None,
    "too-long": "x" * 10_000,
}


def credentials_for(url: str, request) -> dict:
    """A live session's bearer header for the endpoint that needs one."""
    return bearer(request.getfixturevalue("access")) if url == PASSWORD_URL else {}


def hostile_body(url: str, kind: str) -> bytes:
    if kind in RAW_BODIES:
        return RAW_BODIES[kind]
    return json.dumps({field: FIELD_VALUES[kind] for field in ENDPOINT_FIELDS[url]}).encode()


@pytest.mark.parametrize("url", list(ENDPOINT_FIELDS))
@pytest.mark.parametrize("kind", [*RAW_BODIES, *FIELD_VALUES])
def test_hostile_body_gets_400_not_500(api, request, settings, url, kind):
    """SPEC 8 and 9 (the guide answered a JSON array with 500), R-ASVS5-16.5.3: bad bodies are 400s,
    and a body over the size limit is a 413."""
    response = api.post(url, hostile_body(url, kind), content_type="application/json", **credentials_for(url, request))
    if kind == "2mb":
        assert_error(response, 413, settings, "body_too_large")
    else:
        assert_error(response, 400, settings)


@pytest.mark.parametrize("url", list(ENDPOINT_FIELDS))
@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"],
)
def test_body_of_another_content_type_is_refused(api, request, settings, url, content_type):
    """R-ASVS5-3.5.1: only JSON is parsed, so a form (which needs no preflight) cannot reach these views."""
    response = api.post(url, b"username=alice&password=x", content_type=content_type, **credentials_for(url, request))
    assert_error(response, 415, settings, "unsupported_media_type")


# --- Silent refresh header -----------------------------------------------------------------


@pytest.fixture
def expiring_access(login, settings) -> str:
    """An access token that expires within the silent-refresh threshold."""
    settings.ACCESS_TOKEN_LIFETIME = timedelta(minutes=2)
    settings.SILENT_REFRESH_THRESHOLD = timedelta(minutes=5)
    return login().data["access"]


def test_silent_refresh_header_on_success_near_expiry(api, expiring_access):
    """SPEC 3.2: the control for the tests below; a token near expiry gets a working replacement."""
    response = api.get(ME_URL, **bearer(expiring_access))
    assert response.status_code == 200
    renewed = response[SILENT_REFRESH_HEADER]
    assert claims_of(renewed)["sid"] == claims_of(expiring_access)["sid"]
    assert api.get(ME_URL, **bearer(renewed)).status_code == 200


@pytest.mark.parametrize(
    "call",
    [
        lambda api, token: api.post(PASSWORD_URL, {"current_password": "x"}, format="json", **bearer(token)),
        lambda api, token: api.post(
            PASSWORD_URL,
            {"current_password": "wrong", "new_password": "n3w-passphrase!"},
            format="json",
            **bearer(token),
        ),
        lambda api, token: api.post(VERIFY_URL, **bearer(token)),
        lambda api, token: api.delete(ME_URL, **bearer(token)),
    ],
    ids=["400-invalid-body", "400-wrong-password", "405-on-verify", "405-on-me"],
)
def test_silent_refresh_header_never_on_error_responses(api, expiring_access, call):
    """R-ASVS5-10.1.1, SPEC 3.2: a failed request never carries a new access token."""
    response = call(api, expiring_access)
    assert 400 <= response.status_code < 500
    assert SILENT_REFRESH_HEADER not in response


def test_silent_refresh_header_not_on_a_revoked_session(api, expiring_access, commit_callbacks):
    """R-ASVS5-7.4.1: an ended session is not renewed by the silent-refresh path."""
    with commit_callbacks():
        api.post(LOGOUT_URL)
    response = api.get(ME_URL, **bearer(expiring_access))
    assert response.status_code == 401
    assert SILENT_REFRESH_HEADER not in response


def test_silent_refresh_header_not_when_far_from_expiry(api, login, settings):
    """R-ASVS5-10.1.1, SPEC 3.2: tokens are handed out only when needed, not on every request."""
    settings.ACCESS_TOKEN_LIFETIME = timedelta(minutes=15)
    settings.SILENT_REFRESH_THRESHOLD = timedelta(minutes=5)
    access = login().data["access"]
    response = api.get(ME_URL, **bearer(access))
    assert response.status_code == 200
    assert SILENT_REFRESH_HEADER not in response
