"""Fingerprinting for clients that keep no cookies (the mobile endpoints): the value comes in the
sign-in body and goes back in the X-Fingerprint header, with the same rules as the cookie."""

import hashlib

import jwt
import pytest

from authentication.testing import PASSWORD, bearer

pytestmark = pytest.mark.django_db

ME = "/api/me/"


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def mobile_sign_in(client) -> dict:
    response = client.post("/api/auth/mobile/login/", {"username": "alice", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert not response.cookies
    return response.json()


def test_mobile_login_returns_the_fingerprint_in_the_body_instead_of_a_cookie(bare_api, user):
    signed_in = mobile_sign_in(bare_api)

    assert len(signed_in["fingerprint"]) >= 32
    assert claims(signed_in["access"])["fgp"] == digest(signed_in["fingerprint"])
    assert claims(signed_in["refresh"])["fgp"] == digest(signed_in["fingerprint"])


def test_mobile_requests_need_the_fingerprint_header(bare_api, user):
    signed_in = mobile_sign_in(bare_api)
    token = bearer(signed_in["access"])

    assert bare_api.get(ME, **token, HTTP_X_FINGERPRINT=signed_in["fingerprint"]).status_code == 200
    missing = bare_api.get(ME, **token)
    forged = bare_api.get(ME, **token, HTTP_X_FINGERPRINT="forged-fingerprint-value")
    assert (missing.status_code, missing.json()["code"]) == (401, "fingerprint_mismatch")
    assert (forged.status_code, forged.json()["code"]) == (401, "fingerprint_mismatch")


def test_mobile_refresh_needs_the_fingerprint_header_and_keeps_the_binding(bare_api, user):
    signed_in = mobile_sign_in(bare_api)
    body = {"refresh": signed_in["refresh"]}

    missing = bare_api.post("/api/auth/mobile/refresh/", body, format="json")
    response = bare_api.post(
        "/api/auth/mobile/refresh/", body, format="json", HTTP_X_FINGERPRINT=signed_in["fingerprint"]
    )

    assert (missing.status_code, missing.json()["code"]) == (401, "fingerprint_mismatch")
    assert response.status_code == 200
    rotated = response.json()
    assert claims(rotated["access"])["fgp"] == digest(signed_in["fingerprint"])
    assert claims(rotated["refresh"])["fgp"] == digest(signed_in["fingerprint"])
    assert bare_api.get(ME, **bearer(rotated["access"]), HTTP_X_FINGERPRINT=signed_in["fingerprint"]).status_code == 200
