"""Refresh under real concurrency: parallel requests with one refresh cookie against a live server.

Two tabs or a retried request present the same refresh token at nearly the same moment. Rotation
must be atomic in the database (ASVS 5.0 15.4.2): the requests share one successor instead of
forking the session or tripping reuse detection, while a replay after the grace window still
revokes the session (RFC 9700 4.14.2). Row locks only contend on PostgreSQL; SQLite serialises
every writer, so these tests run when DATABASE_URL points at PostgreSQL.
"""

import http.client
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import jwt
import pytest
from django.conf import settings
from django.db.models import F

from authentication.conf import auth_settings
from authentication.models import IssuedRefreshToken, Session
from authentication.testing import ORIGIN, PASSWORD

pytestmark = [
    pytest.mark.live_server_concurrency,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL (set DATABASE_URL): SQLite serialises writers, so refreshes cannot race",
    ),
]

LOGIN_URL = "/api/auth/login/"
REFRESH_URL = "/api/auth/refresh/"
VERIFY_URL = "/api/auth/verify/"
PARALLEL_REQUESTS = 8
# Every wait is bounded: a request, the start barrier, and the whole batch.
REQUEST_TIMEOUT = 10
BATCH_TIMEOUT = 3 * REQUEST_TIMEOUT


@dataclass
class Reply:
    status: int
    body: dict
    cookies: SimpleCookie


@dataclass
class BrowserSession:
    """What the web client holds: cookies, and the address of the API."""

    port: int
    cookies: dict

    def send(self, method: str, path: str, body: dict | None = None, access: str | None = None) -> Reply:
        headers = {"Origin": ORIGIN, "X-Requested-With": "XMLHttpRequest", "Content-Type": "application/json"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if access:
            headers["Authorization"] = f"Bearer {access}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            response = connection.getresponse()
            raw = response.read()
            jar = SimpleCookie()
            for set_cookie in response.headers.get_all("Set-Cookie") or []:
                jar.load(set_cookie)
            return Reply(response.status, json.loads(raw) if raw else {}, jar)
        finally:
            connection.close()

    def keep_cookies(self, reply: Reply) -> None:
        self.cookies.update({name: morsel.value for name, morsel in reply.cookies.items() if morsel.value})

    @property
    def refresh_token(self) -> str:
        return self.cookies[auth_settings.REFRESH_COOKIE_NAME]


def jti_of(token: str) -> str:
    return jwt.decode(token, options={"verify_signature": False})["jti"]


def session_of(token: str) -> Session:
    return Session.objects.get(pk=jwt.decode(token, options={"verify_signature": False})["sid"])


def in_parallel(send, count: int = PARALLEL_REQUESTS) -> list[Reply]:
    """Start ``count`` calls of ``send`` at the same instant; every wait is bounded."""
    barrier = threading.Barrier(count, timeout=REQUEST_TIMEOUT)

    def together() -> Reply:
        barrier.wait()
        return send()

    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(together) for _ in range(count)]
        return [future.result(timeout=BATCH_TIMEOUT) for future in futures]


@pytest.fixture
def browser(live_server, user) -> BrowserSession:
    """A client logged in as ``user`` through the live server."""
    session = BrowserSession(port=urlsplit(live_server.url).port, cookies={})
    reply = session.send("POST", LOGIN_URL, {"username": user.username, "password": PASSWORD})
    assert reply.status == 200, reply.body
    session.keep_cookies(reply)
    return session


def test_parallel_refreshes_share_one_successor(browser):
    """ASVS 5.0 15.4.2: simultaneous refreshes with one cookie neither fork nor revoke the session."""
    original = browser.refresh_token
    replies = in_parallel(lambda: browser.send("POST", REFRESH_URL))

    assert [reply.status for reply in replies] == [200] * PARALLEL_REQUESTS, [reply.body for reply in replies]
    successors = {reply.cookies[auth_settings.REFRESH_COOKIE_NAME].value for reply in replies}
    assert len({jti_of(token) for token in successors}) == 1
    [successor] = successors
    assert jti_of(successor) != jti_of(original)

    session = session_of(original)
    assert not session.is_revoked
    assert session.refresh_tokens.count() == 2
    assert session.refresh_tokens.filter(rotated_at__isnull=True).count() == 1

    for reply in replies:
        assert browser.send("GET", VERIFY_URL, access=reply.body["access"]).status == 200
    browser.keep_cookies(replies[0])
    follow_up = browser.send("POST", REFRESH_URL)
    assert follow_up.status == 200
    assert jti_of(follow_up.cookies[auth_settings.REFRESH_COOKIE_NAME].value) not in {
        jti_of(original),
        jti_of(successor),
    }


def test_replay_after_the_grace_window_revokes_the_session(browser):
    """RFC 9700 4.14.2, ASVS 5.0 10.4.5: a late replay kills the live successor and its access token."""
    original = browser.refresh_token
    rotated = browser.send("POST", REFRESH_URL)
    assert rotated.status == 200
    browser.keep_cookies(rotated)
    successor, access = browser.refresh_token, rotated.body["access"]
    assert browser.send("GET", VERIFY_URL, access=access).status == 200
    late = auth_settings.REFRESH_GRACE_PERIOD + timedelta(seconds=1)
    IssuedRefreshToken.objects.filter(jti=jti_of(original)).update(rotated_at=F("rotated_at") - late)

    browser.cookies[auth_settings.REFRESH_COOKIE_NAME] = original
    replay = browser.send("POST", REFRESH_URL)
    assert replay.status == 401
    assert replay.body["code"] == "session_revoked"
    session = session_of(original)
    assert session.is_revoked
    assert session.revoke_reason == "reuse_detected"

    browser.cookies[auth_settings.REFRESH_COOKIE_NAME] = successor
    assert browser.send("POST", REFRESH_URL).status == 401
    assert browser.send("GET", VERIFY_URL, access=access).status == 401


def test_parallel_late_replays_are_all_rejected(browser):
    """ASVS 5.0 15.4.2: racing replays of a stale token all fail; none slips through as a success."""
    original = browser.refresh_token
    rotated = browser.send("POST", REFRESH_URL)
    assert rotated.status == 200
    late = auth_settings.REFRESH_GRACE_PERIOD + timedelta(seconds=1)
    IssuedRefreshToken.objects.filter(jti=jti_of(original)).update(rotated_at=F("rotated_at") - late)

    replies = in_parallel(lambda: browser.send("POST", REFRESH_URL))
    assert [reply.status for reply in replies] == [401] * PARALLEL_REQUESTS, [reply.body for reply in replies]
    assert session_of(original).is_revoked
    assert browser.send("GET", VERIFY_URL, access=rotated.body["access"]).status == 401
