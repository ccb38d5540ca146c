"""Schemathesis hooks: generated requests carry what a real client of each endpoint sends.

Loaded by the schemathesis CLI (``SCHEMATHESIS_HOOKS``) with the settings in the JSON file named
by ``RELIABILITY_FUZZ_CLIENT``; every answer is appended to the JSON-lines file named by
``RELIABILITY_FUZZ_RECORD``. Sessions of one test user supply the credentials:

- Bearer endpoints get a web session's access token and its fingerprint cookie;
- the cookie endpoints (web login, refresh, logout) get another web session's cookies, the
  allowed ``Origin`` and ``X-Requested-With``; its jar follows every answer (a refresh rotates
  the cookie, a logout clears it) and it signs in again once a logout or a password change ended it;
- the mobile endpoints get a mobile session's ``X-Fingerprint`` and no cookies;
- the staff endpoint gets a staff user's web session;
- the MFA endpoints get sessions of users with and without an authenticator, and a sign-in's
  second step gets a pending challenge (its cookie, or in the body for apps) and a recovery code;
- the passkey endpoints get the session of a user with passkeys, the ids of their passkeys, and
  answers a software authenticator made for live challenges (registrations and sign-ins).

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

import pyotp
import schemathesis
from schemathesis.core import NotSet

from tests.reliability.clients import XHR_HEADER, BrowserSession, call

COOKIE_ENDPOINTS = {"/api/auth/login/", "/api/auth/refresh/", "/api/auth/logout/"}
MOBILE_PREFIX = "/api/auth/mobile/"
STAFF_ENDPOINT = "/api/auth/users/{user_id}/sessions/end/"
MFA_PREFIX = "/api/auth/mfa/"
SECOND_STEP = {f"{MFA_PREFIX}verify/", f"{MFA_PREFIX}enroll/"}
# The signed-in MFA endpoints, each as a user for whom it can succeed.
MFA_OWNERS = {
    f"{MFA_PREFIX}totp/": "off",
    f"{MFA_PREFIX}totp/confirm/": "off",
    f"{MFA_PREFIX}recovery-codes/": "on",
    f"{MFA_PREFIX}totp/disable/": "disable",
}
PASSKEY_PREFIX = "/api/auth/passkeys/"
PASSKEY_SIGN_IN = {f"{PASSKEY_PREFIX}sign-in/options/", f"{PASSKEY_PREFIX}sign-in/"}
# Requests that end the fuzzing user's other sessions: the cookie and mobile sessions sign in again.
ENDS_OTHER_SESSIONS = {"/api/auth/password/", "/api/auth/sessions/end-others/"}
CYCLE = 6
REAL_BODY, ANONYMOUS, PLAIN_TEXT = 1, CYCLE - 2, CYCLE - 1
REAL_BODIES = 3

SETTINGS = json.loads(open(os.environ["RELIABILITY_FUZZ_CLIENT"]).read())  # noqa: SIM115
RECORD = os.environ["RELIABILITY_FUZZ_RECORD"]
ORIGINAL_PASSWORD = SETTINGS["password"]  # of every user but the fuzzing one, whose password changes
STAFF_CREDENTIALS = {"username": SETTINGS["staff_username"], "password": ORIGINAL_PASSWORD}
MFA = SETTINGS["mfa"]
PASSKEYS = SETTINGS["passkeys"]
_lock = threading.Lock()
_calls: Counter[str] = Counter()
_web: dict[str, BrowserSession] = {}  # "bearer", "cookies" and "staff"
_mobile: dict[str, str] = {}  # refresh token and fingerprint of the mobile session
_pending_password: dict[int, str] = {}  # new password sent by a request, until it is answered
_totp_secret: dict[str, str] = {}  # the key a set-up answer showed, for the confirmation's code


def _take(name: str, made: dict = MFA):
    """One of the single-use values the project made for this run (a challenge, a recovery code)."""
    values = made[name]
    return values.pop(0) if values else None


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
    if path.startswith(MFA_PREFIX) or path.startswith(f"{MOBILE_PREFIX}mfa/"):
        return _mfa_body(case, path)
    if path.startswith(PASSKEY_PREFIX):
        return _passkey_body(case, path)
    return _account_body(path)


def _passkey_body(case, path: str) -> dict | None:
    """Authenticator answers made for live challenges; the owner's passkeys by id; the password."""
    if path == f"{PASSKEY_PREFIX}register/":
        return _take("registrations", PASSKEYS)
    if path == f"{PASSKEY_PREFIX}sign-in/":
        answer = _take("sign_ins", PASSKEYS)
        return {"credential": answer} if answer else None
    if path == f"{PASSKEY_PREFIX}register/options/":
        return {"current_password": ORIGINAL_PASSWORD}
    if path == PASSKEY_PREFIX + "{passkey_id}/":
        case.path_parameters = {"passkey_id": PASSKEYS["kept"]}
        return {"name": "Renamed"}
    if path == PASSKEY_PREFIX + "{passkey_id}/remove/" and PASSKEYS["removable"]:
        case.path_parameters = {"passkey_id": PASSKEYS["removable"].pop(0)}
        return {"current_password": ORIGINAL_PASSWORD}
    return None


def _mfa_body(case, path: str) -> dict | None:
    """Second steps with a pending challenge and a recovery code; the signed-in endpoints with the
    password, and the set-up's confirmation with the code of the key it showed."""
    if path in (f"{MFA_PREFIX}verify/", f"{MFA_PREFIX}enroll/"):
        token = _take("sign_in" if path.endswith("verify/") else "enroll")
        if token is not None:
            case.headers = {**(case.headers or {}), "Cookie": f"{MFA['challenge_cookie']}={token}"}
        return {"code": _take("recovery_codes")} if path.endswith("verify/") else {}
    if path == f"{MOBILE_PREFIX}mfa/verify/":
        return {"challenge": _take("mobile_sign_in"), "code": _take("recovery_codes")}
    if path == f"{MOBILE_PREFIX}mfa/enroll/":
        return {"challenge": _take("mobile_enroll")}
    if path == f"{MFA_PREFIX}totp/confirm/":
        secret = _totp_secret.get("off")
        return {"code": pyotp.TOTP(secret).now()} if secret else None
    if path in MFA_OWNERS:
        return {"current_password": ORIGINAL_PASSWORD}
    return None


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
            headers.update(case.headers or {})  # a challenge cookie the real body goes with
        if variation == PLAIN_TEXT and not isinstance(case.body, NotSet):
            headers["Content-Type"] = "text/plain"
        if variation != ANONYMOUS:
            headers.update(_credential_headers(path))
        case.headers = headers


def _credential_headers(path: str) -> dict[str, str]:
    if path.startswith(MOBILE_PREFIX):
        return {"X-Fingerprint": _mobile_session()["fingerprint"]}
    if path in COOKIE_ENDPOINTS or path in SECOND_STEP or path in PASSKEY_SIGN_IN:
        session = _web_session("cookies")
        cookies = session.cookie_header(path) if path in COOKIE_ENDPOINTS else {}
        return {**cookies, "Origin": session.origin, **XHR_HEADER}
    if path in MFA_OWNERS or path.startswith(PASSKEY_PREFIX):
        minted = PASSKEYS["session"] if path.startswith(PASSKEY_PREFIX) else MFA["sessions"][MFA_OWNERS[path]]
        cookie = "; ".join(f"{name}={value}" for name, value in minted["cookies"].items())
        return {"Authorization": f"Bearer {minted['access']}", **({"Cookie": cookie} if cookie else {})}
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
        elif path == f"{MFA_PREFIX}totp/" and body:
            _totp_secret["off"] = body["secret"]
        elif path.startswith(MOBILE_PREFIX) and body and "refresh" in body:
            _mobile["refresh"] = body["refresh"]
            if "fingerprint" in body:
                _mobile["fingerprint"] = body["fingerprint"]


def _json(content: bytes):
    try:
        return json.loads(content)
    except ValueError:
        return None
