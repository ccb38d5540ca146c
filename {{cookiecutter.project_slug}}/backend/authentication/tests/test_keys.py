"""Signing keys, for every algorithm: every token names its key, keys (and even the algorithm)
rotate without signing anyone out, retired keys stop verifying once removed, weak keys are
refused, and ``generate_signing_key`` makes keys the project accepts, with advice that fits.
"""

import io

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from authentication.checks import check_auth_settings
from authentication.keys import key_ring, new_private_key, private_pem, public_pem
from authentication.testing import ME_URL, REFRESH_URL, VERIFY_URL, bearer
from config.signing_keys import signing_key_errors

pytestmark = pytest.mark.django_db

JWKS_URL = "/api/auth/jwks.json"
PRIVATE_JWK_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}
NEW_SECRET = "rotated-signing-key-" + "0123456789abcdef" * 4


def kid_of(token: str) -> str:
    return jwt.get_unverified_header(token)["kid"]


def rotate(auth, tmp_path, to: str, keep_old: bool) -> None:
    """What an operator does: a new key signs (of ``to``'s algorithm); the old one may keep verifying."""
    current = key_ring().signing
    auth.PREVIOUS_SIGNING_KEYS = [auth.SIGNING_KEY] if keep_old and not current.is_public else []
    retired = tmp_path / "retired.pub.pem"
    if current.is_public:
        retired.write_bytes(public_pem(current.verifying_key))
    auth.PREVIOUS_PUBLIC_KEY_FILES = [str(retired)] if keep_old and current.is_public else []
    auth.ALGORITHM = to
    if to == "HS256":
        auth.SIGNING_KEY = NEW_SECRET
    else:
        auth.PRIVATE_KEY = private_pem(new_private_key(to, 2048)).decode()


def test_every_token_names_its_key_and_algorithm(api, login, auth, signing_algorithm):
    """RFC 8725 3.10: access, refresh and silently renewed tokens all carry the signing ``kid``."""
    auth.ACCESS_TOKEN_LIFETIME = auth.SILENT_REFRESH_THRESHOLD / 2  # inside the silent-refresh threshold
    signing = key_ring().signing
    response = login()
    refreshed = api.post(REFRESH_URL)
    renewed = api.get(ME_URL, **bearer(refreshed.data["access"]))
    tokens = [
        response.data["access"],
        response.cookies[auth.REFRESH_COOKIE_NAME].value,
        refreshed.data["access"],
        refreshed.cookies[auth.REFRESH_COOKIE_NAME].value,
        renewed["X-New-Access-Token"],
    ]
    for token in tokens:
        header = jwt.get_unverified_header(token)
        assert (header["kid"], header["alg"]) == (signing.kid, signing_algorithm)


@pytest.mark.parametrize("to", ["HS256", "RS256", "EdDSA"])
def test_rotation_keeps_old_tokens_valid_and_signs_with_the_new_key(api, login, auth, tmp_path, signing_algorithm, to):
    """RFC 8725 3.1: after a rotation, to a new key of any algorithm, old tokens verify (each with the
    algorithm of its own key) and new tokens use the new key's ``kid``."""
    access = login().data["access"]
    old_kid = kid_of(access)
    rotate(auth, tmp_path, to, keep_old=True)
    new_kid = key_ring().signing.kid
    assert new_kid != old_kid

    assert api.get(VERIFY_URL, **bearer(access)).status_code == 200
    refreshed = api.post(REFRESH_URL)
    assert refreshed.status_code == 200
    assert kid_of(refreshed.data["access"]) == new_kid
    assert jwt.get_unverified_header(refreshed.data["access"])["alg"] == to
    assert kid_of(refreshed.cookies[auth.REFRESH_COOKIE_NAME].value) == new_kid
    assert api.get(VERIFY_URL, **bearer(refreshed.data["access"])).status_code == 200


def test_tokens_of_a_removed_key_are_rejected(api, login, auth, tmp_path, signing_algorithm):
    """RFC 8725 3.3: once a retired key is dropped from the verification keys, its tokens fail."""
    access = login().data["access"]
    rotate(auth, tmp_path, signing_algorithm, keep_old=False)
    response = api.get(VERIFY_URL, **bearer(access))
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"
    assert api.post(REFRESH_URL).status_code == 401


def test_jwks_publishes_the_public_keys_and_nothing_private(bare_api, login, signing_algorithm):
    """RFC 8725 3.10, ASVS 5.0 9.1.3: the key set lists our public key under the tokens' ``kid``, no
    private part; a shared secret is never published."""
    access = login().data["access"]
    response = bare_api.get(JWKS_URL)
    if signing_algorithm == "HS256":
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        return
    assert response.status_code == 200
    [jwk] = response.json()["keys"]
    assert (jwk["kid"], jwk["alg"], jwk["use"]) == (kid_of(access), signing_algorithm, "sig")
    assert jwk["kty"] == {"RS256": "RSA", "EdDSA": "OKP"}[signing_algorithm]
    assert not PRIVATE_JWK_MEMBERS & jwk.keys()
    assert jwt.decode(access, jwt.PyJWK(jwk).key, algorithms=[signing_algorithm])["token_type"] == "access"


def test_jwks_keeps_retired_public_keys_during_a_rotation(bare_api, login, auth, tmp_path, signing_algorithm):
    access = login().data["access"]
    rotate(auth, tmp_path, "EdDSA", keep_old=True)
    published = {key["kid"] for key in bare_api.get(JWKS_URL).json()["keys"]}
    expected = {key_ring().signing.kid} | ({kid_of(access)} if signing_algorithm != "HS256" else set())
    assert published == expected


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"ALGORITHM": "HS256", "SIGNING_KEY": ""}, "JWT_SIGNING_KEY is required"),
        ({"ALGORITHM": "HS256", "SIGNING_KEY": "too-short"}, "at least 32 bytes"),
        ({"ALGORITHM": "HS256", "SIGNING_KEY": "the-secret-key" * 4}, "must differ from DJANGO_SECRET_KEY"),
        ({"ALGORITHM": "HS256", "PREVIOUS_SIGNING_KEYS": ["short"]}, "JWT_PREVIOUS_SIGNING_KEYS"),
        ({"ALGORITHM": "RS256", "PRIVATE_KEY": "", "PRIVATE_KEY_FILE": ""}, "JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE"),
        ({"ALGORITHM": "ES256"}, "JWT_ALGORITHM must be one of HS256, RS256, EdDSA"),
    ],
    ids=["missing", "short", "equals-secret-key", "weak-previous", "no-private-key", "unsupported-algorithm"],
)
def test_weak_missing_or_reused_keys_are_named_by_their_variable(settings, auth, values, message):
    """RFC 7518 3.2, RFC 8725 3.5: the one key check, which production runs at start-up and
    ``manage.py check`` runs too."""
    settings.SECRET_KEY = "the-secret-key" * 4
    for name, value in values.items():
        setattr(auth, name, value)
    [problem] = signing_key_errors(settings.AUTH, settings.SECRET_KEY)
    assert message in problem
    assert [error.msg for error in check_auth_settings(None) if error.id == "authentication.E001"] == [problem]


@pytest.mark.parametrize(
    ("algorithm", "key", "message"),
    [
        ("RS256", lambda: rsa.generate_private_key(public_exponent=65537, key_size=1024), "at least 2048"),  # noqa: S505
        ("RS256", ed25519.Ed25519PrivateKey.generate, "does not hold a key for RS256"),
        (
            "EdDSA",
            lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
            "does not hold a key for EdDSA",
        ),
    ],
    ids=["rsa-1024", "ed25519-for-rs256", "rsa-for-eddsa"],
)
def test_an_unusable_private_key_is_refused(auth, algorithm, key, message):
    auth.ALGORITHM = algorithm
    auth.PRIVATE_KEY = private_pem(key()).decode()
    with pytest.raises(ImproperlyConfigured, match=message):
        key_ring()
    assert [error.id for error in check_auth_settings(None)] == ["authentication.E002"]


def test_generate_signing_key_prints_a_strong_secret_for_hs256(api, login, auth, signing_algorithm):
    """OWASP JWT Cheat Sheet (weak token secret), RFC 7518 3.2: at least 64 random characters, different
    each time, usable at once; the advice names the key to retire, if there is one."""
    keys, advice = [], []
    for _ in range(2):
        stdout, stderr = io.StringIO(), io.StringIO()
        call_command("generate_signing_key", "--algorithm", "HS256", stdout=stdout, stderr=stderr)
        keys.append(stdout.getvalue().strip())
        advice.append(stderr.getvalue())
    assert all(len(key) >= 64 and "\n" not in key for key in keys)
    assert keys[0] != keys[1]
    retire = "JWT_PREVIOUS_SIGNING_KEYS" if signing_algorithm == "HS256" else "JWT_PREVIOUS_PUBLIC_KEY_FILES"
    assert retire in advice[0]

    auth.ALGORITHM, auth.SIGNING_KEY = "HS256", keys[0]
    assert check_auth_settings(None) == []
    access = login().data["access"]
    assert kid_of(access) == key_ring().signing.kid
    assert api.get(VERIFY_URL, **bearer(access)).status_code == 200


@pytest.mark.parametrize("algorithm", ["RS256", "EdDSA"])
def test_generate_signing_key_writes_a_usable_key_pair(api, login, auth, tmp_path, signing_algorithm, algorithm):
    """RFC 8725 3.1: a private key only its owner can read, its public key beside it, usable at once."""
    private_path = tmp_path / "keys" / "signing.pem"
    stdout = io.StringIO()
    call_command(
        "generate_signing_key", "--algorithm", algorithm, "--output", str(private_path), "--bits", "2048", stdout=stdout
    )
    assert private_path.stat().st_mode & 0o077 == 0
    private_key = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
    public_key = serialization.load_pem_public_key(private_path.with_suffix(".pub.pem").read_bytes())
    assert public_pem(public_key) == public_pem(private_key.public_key())
    assert f"JWT_ALGORITHM={algorithm}" in stdout.getvalue()
    # The key it replaces keeps verifying: its public half, or the HS256 secret, is named.
    assert ("JWT_PREVIOUS_SIGNING_KEYS" if signing_algorithm == "HS256" else "previous-") in stdout.getvalue()

    auth.ALGORITHM, auth.PRIVATE_KEY, auth.PRIVATE_KEY_FILE = algorithm, "", str(private_path)
    access = login().data["access"]
    assert jwt.decode(access, public_key, algorithms=[algorithm])["token_type"] == "access"
    assert api.get(VERIFY_URL, **bearer(access)).status_code == 200


def test_first_key_advice_retires_nothing(auth, tmp_path):
    """On first set-up there is no old key, and the advice does not pretend there is one."""
    auth.ALGORITHM, auth.PRIVATE_KEY, auth.PRIVATE_KEY_FILE = "RS256", "", str(tmp_path / "not-yet.pem")
    stdout = io.StringIO()
    call_command("generate_signing_key", "--output", str(tmp_path / "not-yet.pem"), "--bits", "2048", stdout=stdout)
    assert "first signing key" in stdout.getvalue()
    assert "PREVIOUS" not in stdout.getvalue()


def test_generate_signing_key_never_overwrites_a_key(tmp_path):
    """Rotation without signing anyone out: the command never replaces an existing key file."""
    existing = tmp_path / "signing.pem"
    existing.write_text("current key")
    with pytest.raises(CommandError):
        call_command("generate_signing_key", "--algorithm", "RS256", "--output", str(existing), stdout=io.StringIO())
    assert existing.read_text() == "current key"
