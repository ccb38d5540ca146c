"""Signing keys: every token names its key, keys rotate without signing anyone out, retired keys
stop verifying once removed, and ``generate_signing_key`` makes keys the project accepts.
"""

import io
{%- if cookiecutter.jwt_algorithm == "RS256" %}
from pathlib import Path
{%- endif %}

import jwt
import pytest
{%- if cookiecutter.jwt_algorithm == "RS256" %}
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
{%- else %}
from django.core.management import call_command
{%- endif %}

{% if cookiecutter.jwt_algorithm == "HS256" -%}
from authentication.checks import check_auth_settings
{% endif -%}
from authentication.keys import key_ring

from .conftest import bearer

REFRESH_URL = "/api/auth/refresh/"
VERIFY_URL = "/api/auth/verify/"
ME_URL = "/api/me/"


def kid_of(token: str) -> str:
    return jwt.get_unverified_header(token)["kid"]


def test_every_token_names_its_key(api, login, settings):
    """R-8725-3.10, SPEC 3.2: access, refresh and silently renewed tokens all carry the signing ``kid``."""
    settings.ACCESS_TOKEN_LIFETIME = settings.SILENT_REFRESH_THRESHOLD / 2  # inside the silent-refresh threshold
    signing = key_ring().signing
    response = login()
    refreshed = api.post(REFRESH_URL)
    renewed = api.get(ME_URL, **bearer(refreshed.data["access"]))
    tokens = [
        response.data["access"],
        response.cookies[settings.REFRESH_COOKIE_NAME].value,
        refreshed.data["access"],
        refreshed.cookies[settings.REFRESH_COOKIE_NAME].value,
        renewed["X-New-Access-Token"],
    ]
    for token in tokens:
        header = jwt.get_unverified_header(token)
        assert header["kid"] == signing.kid
        assert header["alg"] == settings.JWT_ALGORITHM

{%- if cookiecutter.jwt_algorithm == "HS256" %}


NEW_SIGNING_KEY = "rotated-signing-key-" + "0123456789abcdef" * 4


def rotate_to_new_key(settings, keep_old: bool) -> None:
    """What an operator does: the new key signs; the old one optionally keeps verifying."""
    old = settings.JWT_SIGNING_KEY
    settings.JWT_PREVIOUS_SIGNING_KEYS = [old] if keep_old else []
    settings.JWT_SIGNING_KEY = NEW_SIGNING_KEY


def test_rotation_keeps_old_tokens_valid_and_signs_with_the_new_key(api, login, settings):
    """SPEC 3.2, R-8725-3.1: after a rotation old tokens verify and new tokens use the new key's ``kid``."""
    access = login().data["access"]
    old_kid = kid_of(access)
    rotate_to_new_key(settings, keep_old=True)
    new_kid = key_ring().signing.kid
    assert new_kid != old_kid

    assert api.get(VERIFY_URL, **bearer(access)).status_code == 200
    refreshed = api.post(REFRESH_URL)
    assert refreshed.status_code == 200
    assert kid_of(refreshed.data["access"]) == new_kid
    assert kid_of(refreshed.cookies[settings.REFRESH_COOKIE_NAME].value) == new_kid
    assert api.get(VERIFY_URL, **bearer(refreshed.data["access"])).status_code == 200


def test_tokens_of_a_removed_key_are_rejected(api, login, settings):
    """R-8725-3.3: once a retired key is dropped from the verification keys, its tokens fail."""
    access = login().data["access"]
    rotate_to_new_key(settings, keep_old=False)
    response = api.get(VERIFY_URL, **bearer(access))
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"
    assert api.post(REFRESH_URL).status_code == 401


def test_generate_signing_key_prints_a_strong_new_key(api, login, settings):
    """R-OWASP-JWT-weak, R-7518-3.2: at least 64 random characters, different each time, and usable."""
    keys = []
    for _ in range(2):
        stdout, stderr = io.StringIO(), io.StringIO()
        call_command("generate_signing_key", stdout=stdout, stderr=stderr)
        keys.append(stdout.getvalue().strip())
        assert "JWT_PREVIOUS_SIGNING_KEYS" in stderr.getvalue()
    assert all(len(key) >= 64 and "\n" not in key for key in keys)
    assert keys[0] != keys[1]

    settings.JWT_SIGNING_KEY = keys[0]
    assert check_auth_settings(None) == []
    access = login().data["access"]
    assert kid_of(access) == key_ring().signing.kid
    assert api.get(VERIFY_URL, **bearer(access)).status_code == 200


@pytest.mark.parametrize("weak", ["short-key", "secret-key"])
def test_weak_or_reused_signing_key_fails_the_system_check(settings, weak):
    """R-7518-3.2, R-8725-3.5: a key under 256 bits, or the Django SECRET_KEY, is reported."""
    settings.JWT_SIGNING_KEY = "too-short" if weak == "short-key" else settings.SECRET_KEY
    assert {error.id for error in check_auth_settings(None)} & {"authentication.E001", "authentication.E002"}


def test_no_key_set_is_published_for_a_shared_secret(bare_api):
    """R-8725-3.1: an HMAC key is secret; there is nothing to publish."""
    assert bare_api.get("/api/auth/jwks.json").status_code == 404
{%- else %}


PRIVATE_JWK_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}


def new_private_pem(bits: int = 2048) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def write_public_key(private_pem: str, path: Path) -> Path:
    private_key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    path.write_bytes(
        private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return path


@pytest.fixture(scope="module")
def next_private_pem() -> str:
    return new_private_pem()


def rotate_to_new_key(settings, private_pem: str, retired_public_files: list[str]) -> None:
    """What an operator does: the new key signs; retired public keys (files) keep verifying."""
    settings.JWT_PREVIOUS_PUBLIC_KEY_FILES = retired_public_files
    settings.JWT_PRIVATE_KEY = private_pem


def test_rotation_keeps_old_tokens_valid_and_signs_with_the_new_key(api, login, settings, tmp_path, next_private_pem):
    """SPEC 3.2, R-8725-3.1: after a rotation old tokens verify and new tokens use the new key's ``kid``."""
    access = login().data["access"]
    old_kid = kid_of(access)
    old_public = write_public_key(settings.JWT_PRIVATE_KEY, tmp_path / "old.pub.pem")
    rotate_to_new_key(settings, next_private_pem, [str(old_public)])
    new_kid = key_ring().signing.kid
    assert new_kid != old_kid

    assert api.get(VERIFY_URL, **bearer(access)).status_code == 200
    refreshed = api.post(REFRESH_URL)
    assert refreshed.status_code == 200
    assert kid_of(refreshed.data["access"]) == new_kid
    assert kid_of(refreshed.cookies[settings.REFRESH_COOKIE_NAME].value) == new_kid
    assert api.get(VERIFY_URL, **bearer(refreshed.data["access"])).status_code == 200

    published = {key["kid"] for key in api.get("/api/auth/jwks.json").json()["keys"]}
    assert published == {old_kid, new_kid}


def test_tokens_of_a_removed_key_are_rejected(api, login, settings, next_private_pem):
    """R-8725-3.3: once a retired key is dropped from the verification keys, its tokens fail."""
    access = login().data["access"]
    rotate_to_new_key(settings, next_private_pem, [])
    response = api.get(VERIFY_URL, **bearer(access))
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"
    assert api.post(REFRESH_URL).status_code == 401


def test_generate_signing_key_writes_a_usable_key_pair(api, login, settings, tmp_path):
    """R-8725-3.1: a private key only its owner can read, its public key beside it, usable at once."""
    private_path = tmp_path / "keys" / "signing.pem"
    stdout = io.StringIO()
    call_command("generate_signing_key", "--output", str(private_path), "--bits", "2048", stdout=stdout)
    public_path = private_path.with_suffix(".pub.pem")
    assert private_path.stat().st_mode & 0o077 == 0
    private_key = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
    public_key = serialization.load_pem_public_key(public_path.read_bytes())
    assert private_key.key_size == 2048
    assert public_key.public_numbers() == private_key.public_key().public_numbers()
    assert "JWT_PREVIOUS_PUBLIC_KEY_FILES" in stdout.getvalue()

    settings.JWT_PRIVATE_KEY = ""
    settings.JWT_PRIVATE_KEY_FILE = str(private_path)
    access = login().data["access"]
    assert jwt.decode(access, public_key, algorithms=["RS256"])["token_type"] == "access"
    assert api.get(VERIFY_URL, **bearer(access)).status_code == 200


def test_generate_signing_key_never_overwrites_a_key(tmp_path):
    """SPEC 3.2 (rotation without signing anyone out): the command never replaces an existing key file."""
    existing = tmp_path / "signing.pem"
    existing.write_text("current key")
    with pytest.raises(CommandError):
        call_command("generate_signing_key", "--output", str(existing), stdout=io.StringIO())
    assert existing.read_text() == "current key"


def test_rsa_key_under_2048_bits_is_refused(settings):
    """R-8725-3.1, RFC 7518 3.3: RS256 keys are at least 2048 bits."""
    settings.JWT_PRIVATE_KEY = new_private_pem(bits=1024)
    with pytest.raises(ImproperlyConfigured):
        key_ring()


def test_jwks_publishes_the_public_key_and_nothing_private(bare_api, login):
    """R-8725-3.10, R-ASVS5-9.1.3: the key set lists our public key under the tokens' ``kid``, and no private part."""
    access = login().data["access"]
    response = bare_api.get("/api/auth/jwks.json")
    assert response.status_code == 200
    [jwk] = response.json()["keys"]
    assert jwk["kid"] == kid_of(access)
    assert jwk["alg"] == "RS256"
    assert jwk["use"] == "sig"
    assert jwk["kty"] == "RSA"
    assert not PRIVATE_JWK_MEMBERS & jwk.keys()
    assert jwt.decode(access, jwt.PyJWK(jwk).key, algorithms=["RS256"])["token_type"] == "access"
{%- endif %}
