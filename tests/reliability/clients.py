"""HTTP clients of a served variant: one request (``call``) and a browser's web session (``BrowserSession``).

Plain ``http.client`` over loopback, one connection per request (gunicorn's sync workers close
each connection anyway). Every request carries ``X-Forwarded-Proto: https``, as the
TLS-terminating proxy in front of production would send it.
"""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from bench.deployment import PROXY_HEADERS

# Generous: a login waits for a PBKDF2 hash behind every queued request of 32 busy clients.
REQUEST_TIMEOUT = 30
# The custom header that the cookie endpoints require (config: CSRF_HEADER_NAME_FOR_API).
XHR_HEADER = {"X-Requested-With": "XMLHttpRequest"}


@dataclass
class Reply:
    status: int  # 0: no HTTP answer (refused, reset or timed out)
    headers: dict[str, str]
    set_cookies: list[str]
    body: bytes
    started: float
    elapsed: float
    error: str = ""

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def code(self) -> str:
        data = self.json()
        return str(data.get("code", "")) if isinstance(data, dict) else ""


def call(port: int, method: str, path: str, *, headers: dict | None = None, body=None) -> Reply:
    payload = json.dumps(body).encode() if body is not None else None
    request_headers = {**PROXY_HEADERS, **(headers or {})}
    if payload is not None:
        request_headers["Content-Type"] = "application/json"
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=payload, headers=request_headers)
        response = connection.getresponse()
        data = response.read()
        return Reply(
            status=response.status,
            headers={name.lower(): value for name, value in response.getheaders()},
            set_cookies=response.headers.get_all("Set-Cookie") or [],
            body=data,
            started=started,
            elapsed=time.monotonic() - started,
        )
    except (OSError, http.client.HTTPException) as error:
        return Reply(0, {}, [], b"", started, time.monotonic() - started, error=type(error).__name__)
    finally:
        connection.close()


@dataclass
class Cookie:
    value: str
    path: str


@dataclass
class BrowserSession:
    """What a browser tab holds for one web session: the access token in memory, cookies in a jar.

    Cookies are sent only to paths they were set for, as a browser would (the refresh cookie
    goes to /api/auth/ only; the fingerprint cookie everywhere).
    """

    port: int
    origin: str
    refresh_cookie: str
    access: str | None = None
    jar: dict[str, Cookie] = field(default_factory=dict)

    @property
    def refresh_token(self) -> str | None:
        cookie = self.jar.get(self.refresh_cookie)
        return cookie.value if cookie else None

    def snapshot(self) -> BrowserSession:
        """A copy that keeps today's tokens and cookies whatever happens to this session later."""
        return BrowserSession(self.port, self.origin, self.refresh_cookie, self.access, dict(self.jar))

    def cookie_header(self, path: str) -> dict[str, str]:
        pairs = [f"{name}={cookie.value}" for name, cookie in self.jar.items() if path.startswith(cookie.path)]
        return {"Cookie": "; ".join(pairs)} if pairs else {}

    def keep_cookies(self, reply: Reply) -> None:
        self.keep_set_cookie_headers(reply.set_cookies)

    def keep_set_cookie_headers(self, headers: list[str]) -> None:
        for header in headers:
            parsed = SimpleCookie()
            parsed.load(header)
            for name, morsel in parsed.items():
                if morsel["max-age"] == "0":  # how Django deletes a cookie
                    self.jar.pop(name, None)
                else:
                    self.jar[name] = Cookie(morsel.value, morsel["path"] or "/")

    def send(self, method: str, path: str, *, body=None, bearer: bool = False, cookie_endpoint: bool = False) -> Reply:
        headers = self.cookie_header(path)
        if bearer and self.access:
            headers["Authorization"] = f"Bearer {self.access}"
        if cookie_endpoint:
            headers.update({"Origin": self.origin, **XHR_HEADER})
        reply = call(self.port, method, path, headers=headers, body=body)
        self.keep_cookies(reply)
        if 200 <= reply.status < 300 and "x-new-access-token" in reply.headers:  # silent refresh
            self.access = reply.headers["x-new-access-token"]
        return reply

    def login(self, username: str, password: str) -> Reply:
        reply = self.send(
            "POST", "/api/auth/login/", body={"username": username, "password": password}, cookie_endpoint=True
        )
        if reply.status == 200:
            self.access = reply.json()["access"]
        return reply

    def refresh(self) -> Reply:
        reply = self.send("POST", "/api/auth/refresh/", cookie_endpoint=True)
        if reply.status == 200:
            self.access = reply.json()["access"]
        return reply

    def logout(self) -> Reply:
        reply = self.send("POST", "/api/auth/logout/", cookie_endpoint=True)
        if reply.status == 204:
            self.access = None
        return reply

    def get(self, path: str) -> Reply:
        return self.send("GET", path, bearer=True)

    def check(self) -> Reply:
        return self.send("POST", "/api/auth/check/", body={"token": self.access})
