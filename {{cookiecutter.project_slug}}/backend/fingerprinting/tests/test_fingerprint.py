"""Fingerprinting (OWASP token sidejacking): tokens only work with the value their client was given."""

import hashlib
import logging
import os
import subprocess
import sys
from pathlib import Path

import jwt
import pytest
from rest_framework.test import APIClient

from authentication.conf import auth_settings
from authentication.testing import ORIGIN, PASSWORD, bearer

pytestmark = pytest.mark.django_db

COOKIE = "__Host-fingerprint"
ME = "/api/me/"
BACKEND = Path(__file__).resolve().parents[2]


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def browser() -> APIClient:
    return APIClient(HTTP_ORIGIN=ORIGIN, HTTP_X_REQUESTED_WITH="XMLHttpRequest")


def test_login_sets_a_hardened_fingerprint_cookie(login):
    cookie = login().cookies[COOKIE]

    assert len(cookie.value) >= 32
    assert cookie["httponly"]
    assert cookie["secure"]
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/"
    assert not cookie["domain"]
    assert 0 < int(cookie["max-age"]) <= auth_settings.REFRESH_TOKEN_LIFETIME.total_seconds()


def test_both_tokens_carry_the_sha256_of_the_cookie_value(login):
    response = login()
    value = response.cookies[COOKIE].value

    assert claims(response.json()["access"])["fgp"] == digest(value)
    assert claims(response.cookies[auth_settings.REFRESH_COOKIE_NAME].value)["fgp"] == digest(value)
    assert value.encode() not in response.content


def test_each_sign_in_gets_its_own_fingerprint(login):
    assert login().cookies[COOKIE].value != login(client=browser()).cookies[COOKIE].value


def test_token_with_its_fingerprint_cookie_is_accepted(api, login):
    access = login().json()["access"]

    response = api.get(ME, **bearer(access))

    assert response.status_code == 200
    assert response.json()["username"] == "alice"


def test_token_replayed_without_the_cookie_is_rejected_and_logged(login, bare_api, security_events):
    response = login()
    access, value = response.json()["access"], response.cookies[COOKIE].value

    replayed = bare_api.get(ME, **bearer(access))

    assert replayed.status_code == 401
    assert replayed.json() == {"detail": "This token is not bound to this client.", "code": "fingerprint_mismatch"}
    mismatches = [record for record in security_events() if record.event == "fingerprint_mismatch"]
    assert len(mismatches) == 1
    assert mismatches[0].levelno == logging.WARNING
    assert mismatches[0].client_ip == "127.0.0.1"
    assert value not in str(vars(mismatches[0]))


def test_token_replayed_with_a_forged_cookie_is_rejected(login):
    access = login().json()["access"]
    attacker = browser()
    attacker.cookies[COOKIE] = "forged-fingerprint-value"

    response = attacker.get(ME, **bearer(access))

    assert response.status_code == 401
    assert response.json()["code"] == "fingerprint_mismatch"


def test_token_replayed_with_the_attackers_own_fingerprint_is_rejected(login, other_user):
    stolen = login().json()["access"]
    attacker = browser()
    assert login(username="bob", client=attacker).status_code == 200

    response = attacker.get(ME, **bearer(stolen))

    assert response.status_code == 401
    assert response.json()["code"] == "fingerprint_mismatch"


@pytest.mark.parametrize("presented", [None, "forged-fingerprint-value"])
def test_refresh_without_the_right_fingerprint_is_rejected_and_clears_the_cookie(
    api, login, security_events, presented
):
    login()
    del api.cookies[COOKIE]
    if presented is not None:
        api.cookies[COOKIE] = presented

    response = api.post("/api/auth/refresh/")

    assert response.status_code == 401
    assert response.json()["code"] == "fingerprint_mismatch"
    cleared = response.cookies[auth_settings.REFRESH_COOKIE_NAME]
    assert cleared.value == ""
    assert int(cleared["max-age"]) == 0
    assert "access" not in response.json()
    assert "fingerprint_mismatch" in [record.event for record in security_events()]


def test_refresh_keeps_the_binding_and_renews_the_cookie(api, login):
    signed_in = login()
    value = signed_in.cookies[COOKIE].value

    response = api.post("/api/auth/refresh/")

    assert response.status_code == 200
    renewed = response.cookies[COOKIE]
    assert renewed.value == value
    assert renewed["httponly"]
    assert renewed["secure"]
    assert renewed["samesite"] == "Strict"
    assert 0 < int(renewed["max-age"]) <= auth_settings.REFRESH_TOKEN_LIFETIME.total_seconds()
    access = response.json()["access"]
    assert claims(access)["fgp"] == digest(value)
    assert claims(response.cookies[auth_settings.REFRESH_COOKIE_NAME].value)["fgp"] == digest(value)
    assert api.get(ME, **bearer(access)).status_code == 200
    assert browser().get(ME, **bearer(access)).status_code == 401
    assert api.post("/api/auth/refresh/").status_code == 200


def test_password_change_keeps_the_binding_and_renews_the_cookie(api, login):
    signed_in = login()
    value = signed_in.cookies[COOKIE].value
    body = {"current_password": PASSWORD, "new_password": "a-brand-new-passphrase-42"}

    response = api.post("/api/auth/password/", body, format="json", **bearer(signed_in.json()["access"]))

    assert response.status_code == 200
    access = response.json()["access"]
    assert claims(access)["fgp"] == digest(value)
    assert response.cookies[COOKIE].value == value
    assert api.get(ME, **bearer(access)).status_code == 200
    assert browser().get(ME, **bearer(access)).status_code == 401


def test_logout_clears_the_fingerprint_cookie(api, login):
    login()

    response = api.post("/api/auth/logout/")

    assert response.status_code == 204
    assert response.cookies[COOKIE].value == ""
    assert int(response.cookies[COOKIE]["max-age"]) == 0


def test_local_development_uses_a_plain_http_fingerprint_cookie():
    """On http://localhost a Secure or __Host- cookie would never be stored, so local drops both."""
    script = (
        "import django; django.setup(); from datetime import timedelta; "
        "from django.http import HttpRequest, HttpResponse; from django.utils import timezone; "
        "from authentication.request_context import context_of; from fingerprinting.binding import FingerprintBinding; "
        "request, response, binding = HttpRequest(), HttpResponse(), FingerprintBinding(); "
        "context = context_of(request); "
        "binding.bind(context); binding.write_cookie(context, response, timezone.now() + timedelta(hours=1)); "
        "print(response.cookies.output(header=''))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_SECRET_KEY": "local-secret-for-the-fingerprint-test",
    }

    result = subprocess.run(
        [sys.executable, "-c", script], cwd=BACKEND, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    cookie = result.stdout.strip()
    assert cookie.startswith("fingerprint=")
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Secure" not in cookie
