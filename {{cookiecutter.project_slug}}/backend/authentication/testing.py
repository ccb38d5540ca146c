"""Helpers for the tests of every app: clients that behave like the web client, sessions, tokens
built by hand, and the assertions the security tests share. Fixtures are in backend/conftest.py."""

import base64
import hashlib
import hmac
import json

import jwt
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from jwt.algorithms import get_default_algorithms

from . import token_service
from .bindings import bind_new_session, write_binding_cookies
from .conf import auth_settings
from .keys import key_ring
from .request_context import context_of

PASSWORD = "correct-horse-battery-staple"
ORIGIN = "https://app.example.test"
BROWSER_HEADERS = {"HTTP_ORIGIN": ORIGIN, "HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}

LOGIN_URL = "/api/auth/login/"
REFRESH_URL = "/api/auth/refresh/"
LOGOUT_URL = "/api/auth/logout/"
VERIFY_URL = "/api/auth/verify/"
CHECK_URL = "/api/auth/check/"
PASSWORD_URL = "/api/auth/password/"
ME_URL = "/api/me/"
SILENT_REFRESH_HEADER = "X-New-Access-Token"


def clear_test_cache() -> None:
    """Forget this run's keys only: with Redis, other runs and other apps share the database."""
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


def bearer(access: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {access}"}


def start_bound_session(user, client):
    """Start a session through the token service, giving ``client`` whatever cookies a login would
    bind the tokens to (none unless a client binding is installed)."""
    request = RequestFactory().post(LOGIN_URL)
    context = context_of(request)
    tokens = token_service.start_session(user, bind_new_session(context), context)
    response = HttpResponse()
    write_binding_cookies(context, response, tokens)
    for name, morsel in response.cookies.items():
        client.cookies[name] = morsel.value
    return tokens


def refresh_cookie(client) -> str:
    return client.cookies[auth_settings.REFRESH_COOKIE_NAME].value


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


# --- Assertions ----------------------------------------------------------------------------


def leaked_secrets() -> list[str]:
    return [value for value in (settings.SECRET_KEY, auth_settings.SIGNING_KEY, auth_settings.PRIVATE_KEY) if value]


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The one JSON error shape, without tracebacks or secrets (ASVS 5.0 16.5.1)."""
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
    for secret in leaked_secrets():
        assert secret not in text
    return body


def assert_rejected_access(api, token: str, code: str = "token_invalid") -> None:
    """The token neither authenticates a request nor passes ``check/``."""
    assert_error(api.get(VERIFY_URL, **bearer(token)), 401, code)
    assert api.post(CHECK_URL, {"token": token}, format="json").json() == {"valid": False}


def assert_cookie_cleared(response) -> None:
    morsel = response.cookies[auth_settings.REFRESH_COOKIE_NAME]
    assert morsel.value == ""
    assert int(morsel["max-age"]) == 0


def events(security_events, name: str) -> list:
    return [record for record in security_events() if getattr(record, "event", None) == name]
