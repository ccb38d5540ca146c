"""Schemathesis hooks: generated requests carry what a real client of each endpoint sends.

Loaded by the schemathesis CLI (``SCHEMATHESIS_HOOKS``) with the settings in the JSON file named
by ``RELIABILITY_FUZZ_CLIENT``; every answer is appended to the JSON-lines file named by
``RELIABILITY_FUZZ_RECORD``. Sessions of one test user supply the credentials:

- Bearer endpoints get a web session's access token and its fingerprint cookie;
- the cookie endpoints (web login, refresh, logout) get another web session's cookies, the
  allowed ``Origin`` and ``X-Requested-With``; its jar follows every answer (a refresh rotates
  the cookie, a logout clears it) and it signs in again once a logout or a password change ended it;
- the mobile endpoints get a mobile session's ``X-Fingerprint`` and no cookies;
- the staff endpoint gets a staff user's web session.

Bodies, query strings and headers are sent as generated, except that of every ``CYCLE`` requests
to an operation one goes without credentials (an anonymous or cross-site client), one declares
its body as plain text, and, up to ``REAL_BODIES`` times, one carries the real credentials or
token in its body, so success answers are checked too (each costs a password hash or more). The
account links' tokens come from the project (``link_tokens``): no mail is read.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from collections import Counter

import schemathesis
from schemathesis.core import NotSet

from tests.reliability.clients import XHR_HEADER, BrowserSession, call

COOKIE_ENDPOINTS = {"/api/auth/login/", "/api/auth/refresh/", "/api/auth/logout/"}
MOBILE_PREFIX = "/api/auth/mobile/"
STAFF_ENDPOINT = "/api/auth/users/{user_id}/sessions/end/"
# Requests that end the fuzzing user's other sessions: the cookie and mobile sessions sign in again.
ENDS_OTHER_SESSIONS = {"/api/auth/password/", "/api/auth/sessions/end-others/"}
CYCLE = 6
REAL_BODY, ANONYMOUS, PLAIN_TEXT = 1, CYCLE - 2, CYCLE - 1
REAL_BODIES = 3

SETTINGS = json.loads(open(os.environ["RELIABILITY_FUZZ_CLIENT"]).read())  # noqa: SIM115
RECORD = os.environ["RELIABILITY_FUZZ_RECORD"]
STAFF_CREDENTIALS = {"username": SETTINGS["staff_username"], "password": SETTINGS["password"]}  # never changed
_lock = threading.Lock()
_calls: Counter[str] = Counter()
_web: dict[str, BrowserSession] = {}  # "bearer", "cookies" and "staff"
_mobile: dict[str, str] = {}  # refresh token and fingerprint of the mobile session
_pending_password: dict[int, str] = {}  # new password sent by a request, until it is answered


def _credentials() -> dict[str, str]:
    return {"username": SETTINGS["username"], "password": SETTINGS["password"]}


def _web_session(role: str) -> BrowserSession:
    session = _web.get(role)
    if session is None or session.refresh_token is None:
        session = BrowserSession(SETTINGS["port"], SETTINGS["frontend_origin"], SETTINGS["refresh_cookie"])
        reply = session.login(**(STAFF_CREDENTIALS if role == "staff" else _credentials()))
        if reply.status != 200:
            raise RuntimeError(f"the fuzzing user could not sign in: {reply.status} {reply.body[:200]!r}")
        _web[role] = session
    return session


def _mobile_session() -> dict[str, str]:
    if not _mobile:
        reply = call(SETTINGS["port"], "POST", "/api/auth/mobile/login/", body=_credentials())
        if reply.status != 200:
            raise RuntimeError(f"the fuzzing user could not sign in on mobile: {reply.status}")
        body = reply.json()
        _mobile.update(refresh=body["refresh"], fingerprint=body.get("fingerprint", ""))
    return _mobile


def _real_body(case) -> dict | None:
    """The body a legitimate client would send to this operation, or None if it sends none."""
    path = case.operation.path
    if path in ("/api/auth/login/", f"{MOBILE_PREFIX}login/"):
        return _credentials()
    if path in (f"{MOBILE_PREFIX}refresh/", f"{MOBILE_PREFIX}logout/"):
        refresh = _mobile_session()["refresh"]
        if path.endswith("logout/"):
            _mobile.clear()  # ended by this request; the next one signs in again
        return {"refresh": refresh}
    if path == "/api/auth/check/":
        return {"token": _web_session("bearer").access}
    if path == "/api/auth/password/":
        new_password = secrets.token_urlsafe(18)
        _pending_password[id(case)] = new_password
        return {"current_password": SETTINGS["password"], "new_password": new_password}
    if path == "/api/auth/reauthenticate/":
        return {"password": SETTINGS["password"]}
    if path == "/api/auth/sessions/end-others/":
        return {"current_password": SETTINGS["password"]}
    if path == STAFF_ENDPOINT:
        case.path_parameters = {"user_id": SETTINGS["mailed_user_id"]}
        return {}
    return _account_body(path)


def _account_body(path: str) -> dict | None:
    """Sign-up and the account links: a new account each time, and each link's real token."""
    unique = secrets.token_hex(6)
    tokens = SETTINGS["link_tokens"]
    bodies = {
        "/api/account/signup/": lambda: {
            "username": f"fuzz{unique}",
            "email": f"fuzz{unique}@example.com",
            "password": secrets.token_urlsafe(18),
        },
        "/api/account/verify-email/": lambda: {"token": tokens["verify_email"]},
        "/api/account/verify-email/resend/": lambda: {"email": f"fuzz{unique}@example.com"},
        "/api/account/password-reset/": lambda: {"email": f"fuzz{unique}@example.com"},
        "/api/account/password-reset/confirm/": lambda: {
            "token": tokens["password_reset"],
            "new_password": secrets.token_urlsafe(18),
        },
        "/api/account/email/": lambda: {
            "new_email": f"fuzz{unique}@example.com",
            "current_password": SETTINGS["password"],
        },
        "/api/account/email/confirm/": lambda: {"token": tokens["email_change"]},
    }
    body = bodies.get(path)
    return body() if body else None


@schemathesis.hook
def before_call(context, case, kwargs):
    path = case.operation.path
    with _lock:
        if case.method.upper() != case.operation.method.upper():  # an undocumented method, probed as such
            case.headers = {**(case.headers or {}), **_credential_headers(path)}
            return
        _calls[case.operation.label] += 1
        count = _calls[case.operation.label]
        variation = count % CYCLE
        headers = dict(case.headers or {})
        if variation == REAL_BODY and count <= CYCLE * REAL_BODIES and (body := _real_body(case)) is not None:
            case.body = body
        if variation == PLAIN_TEXT and not isinstance(case.body, NotSet):
            headers["Content-Type"] = "text/plain"
        if variation != ANONYMOUS:
            headers.update(_credential_headers(path))
        case.headers = headers


def _credential_headers(path: str) -> dict[str, str]:
    if path.startswith(MOBILE_PREFIX):
        return {"X-Fingerprint": _mobile_session()["fingerprint"]}
    if path in COOKIE_ENDPOINTS:
        session = _web_session("cookies")
        return {**session.cookie_header(path), "Origin": session.origin, **XHR_HEADER}
    session = _web_session("staff" if path == STAFF_ENDPOINT else "bearer")
    return {**session.cookie_header(path), "Authorization": f"Bearer {session.access}"}


@schemathesis.hook
def after_call(context, case, response):
    path = case.operation.path
    method = response.request.method
    with _lock:
        with open(RECORD, "a") as record:
            answer = {"operation": f"{method} {path}", "status": response.status_code, "elapsed": response.elapsed}
            record.write(json.dumps(answer) + "\n")
        if method != "POST":
            return
        set_cookies = [
            value for name, values in response.headers.items() if name.lower() == "set-cookie" for value in values
        ]
        body = _json(response.content) if response.status_code == 200 else None
        if path in COOKIE_ENDPOINTS and "cookies" in _web:
            _web["cookies"].keep_set_cookie_headers(set_cookies)
            if body:
                _web["cookies"].access = body["access"]
        elif path in ENDS_OTHER_SESSIONS:
            new_password = _pending_password.pop(id(case), None)
            if body and new_password:  # a password change: this client goes on in a new session
                SETTINGS["password"] = new_password
                _web["bearer"].keep_set_cookie_headers(set_cookies)
                _web["bearer"].access = body["access"]
            if body:  # every other session of the user has ended
                _web.pop("cookies", None)
                _mobile.clear()
        elif path == "/api/auth/reauthenticate/" and body:
            _web["bearer"].access = body["access"]
        elif path.startswith(MOBILE_PREFIX) and body and "refresh" in body:
            _mobile["refresh"] = body["refresh"]
            if "fingerprint" in body:
                _mobile["fingerprint"] = body["fingerprint"]


def _json(content: bytes):
    try:
        return json.loads(content)
    except ValueError:
        return None
