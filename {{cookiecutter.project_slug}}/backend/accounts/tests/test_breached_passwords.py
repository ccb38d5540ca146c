"""The optional breached-password check, against a k-anonymity range API served on loopback:
only a five-character hash prefix leaves the server; an unreachable service fails open to the
common-password list, with the failure logged."""

import hashlib
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.testing import free_port

BREACHED = "a-password-seen-in-a-breach"
UNBREACHED = "plum-orbit-canvas-47"


def sha1(password: str) -> str:
    return hashlib.sha1(password.encode()).hexdigest().upper()  # noqa: S324 (the range API's format)


class RangeApi(BaseHTTPRequestHandler):
    """Answers ``GET /range/<prefix>`` as the Pwned Passwords API does, knowing one breached password."""

    requests: list[tuple[str, str | None]] = []

    def do_GET(self) -> None:
        prefix = self.path.rsplit("/", 1)[-1]
        RangeApi.requests.append((prefix, self.headers.get("Add-Padding")))
        lines = ["0018A45C4D1DEF81644B54AB7F969B88D65:0"]  # padding, as the real API adds
        if sha1(BREACHED).startswith(prefix):
            lines.append(f"{sha1(BREACHED)[5:]}:42")
        body = "\r\n".join(lines).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def range_api():
    RangeApi.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), RangeApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/range/"
    server.shutdown()
    server.server_close()


def use_breach_check(settings, range_api: str) -> None:
    settings.AUTH_PASSWORD_VALIDATORS = [
        *settings.AUTH_PASSWORD_VALIDATORS,
        {"NAME": "accounts.passwords.BreachedPasswordValidator", "OPTIONS": {"range_api": range_api}},
    ]


def test_it_is_off_by_default(settings):
    assert not any("Breached" in validator["NAME"] for validator in settings.AUTH_PASSWORD_VALIDATORS)


def test_a_breached_password_is_refused(settings, range_api):
    use_breach_check(settings, range_api)
    with pytest.raises(ValidationError) as refused:
        validate_password(BREACHED)
    assert refused.value.error_list[0].code == "password_compromised"


def test_an_unbreached_password_passes_and_only_a_prefix_was_sent(settings, range_api):
    use_breach_check(settings, range_api)
    validate_password(UNBREACHED)
    assert RangeApi.requests == [(sha1(UNBREACHED)[:5], "true")]


def test_an_unreachable_service_fails_open_to_the_common_password_list(settings, caplog):
    use_breach_check(settings, f"http://127.0.0.1:{free_port()}/range/")  # nothing listens there
    with caplog.at_level(logging.ERROR, logger="pwned_passwords_django"):
        validate_password(BREACHED)  # not on the common list: accepted
        with pytest.raises(ValidationError):
            validate_password("1q2w3e4r5t6y7u8i9o0p")  # on the common list: still refused
    assert "Falling back" in caplog.text


def test_sign_up_refuses_a_breached_password(api, outbox, settings, range_api):
    use_breach_check(settings, range_api)
    body = {"username": "carol", "email": "carol@example.com", "password": BREACHED}
    response = api.post("/api/account/signup/", body, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["password"] == ["This password is too common."]
