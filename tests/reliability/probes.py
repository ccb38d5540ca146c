"""One request to every endpoint, with valid credentials, to see what users get while a dependency is down."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from tests.reliability.clients import BrowserSession, Reply, call
from tests.reliability.served_variant import ServedVariant

# Sent to the password endpoint: refused with 400 while everything works, without changing anything.
WRONG_PASSWORD_CHANGE = {"current_password": "not-the-current-password", "new_password": "Another-passw0rd-42"}


@dataclass
class ProbeClients:
    """Sessions signed in before the fault: one whose access token was never presented (so the
    token cache does not know it), one whose token was presented once, and a mobile session."""

    fresh: BrowserSession
    cached: BrowserSession
    mobile_refresh: str
    mobile_fingerprint: str


def _browser(variant: ServedVariant) -> BrowserSession:
    return BrowserSession(variant.port, variant.frontend_origin, variant.refresh_cookie)


def _mobile_login(variant: ServedVariant, username: str) -> Reply:
    return call(
        variant.port, "POST", "/api/auth/mobile/login/", body={"username": username, "password": variant.password}
    )


def sign_in_probe_clients(variant: ServedVariant, username: str) -> ProbeClients:
    fresh, cached = _browser(variant), _browser(variant)
    for session in (fresh, cached):
        assert session.login(username, variant.password).status == 200
    assert cached.get("/api/me/").status == 200
    mobile = _mobile_login(variant, username)
    assert mobile.status == 200, mobile.body
    return ProbeClients(fresh, cached, mobile.json()["refresh"], mobile.json()["fingerprint"])


def probe_every_endpoint(variant: ServedVariant, clients: ProbeClients, username: str) -> dict[str, Reply]:
    """``"METHOD path"`` -> the answer, all probes at once (each chain in order: refresh and logout
    come last, as they end the session they are given), so the probing stays short.

    ``clients.fresh`` keeps the tokens it held when it logged out, to check later that they are dead.
    """
    port = variant.port

    def web_session_chain() -> dict[str, Reply]:
        session = clients.fresh
        replies = {
            "GET /api/me/": session.get("/api/me/"),
            "GET /api/auth/verify/": session.get("/api/auth/verify/"),
            "POST /api/auth/check/": session.check(),
            "POST /api/auth/password/": session.send(
                "POST", "/api/auth/password/", body=WRONG_PASSWORD_CHANGE, bearer=True
            ),
            "POST /api/auth/refresh/": session.refresh(),
        }
        ended = session.snapshot()
        replies["POST /api/auth/logout/"] = session.logout()
        clients.fresh = ended
        return replies

    def mobile_session_chain() -> dict[str, Reply]:
        headers = {"X-Fingerprint": clients.mobile_fingerprint}
        refreshed = call(
            port, "POST", "/api/auth/mobile/refresh/", headers=headers, body={"refresh": clients.mobile_refresh}
        )
        refresh = refreshed.json()["refresh"] if refreshed.status == 200 else clients.mobile_refresh
        return {
            "POST /api/auth/mobile/refresh/": refreshed,
            "POST /api/auth/mobile/logout/": call(
                port, "POST", "/api/auth/mobile/logout/", headers=headers, body={"refresh": refresh}
            ),
        }

    chains = [
        lambda: {"GET /healthz": call(port, "GET", "/healthz")},
        lambda: {"GET /api/version/": call(port, "GET", "/api/version/")},
        lambda: {"POST /api/auth/login/": _browser(variant).login(username, variant.password)},
        lambda: {"POST /api/auth/mobile/login/": _mobile_login(variant, username)},
        lambda: {"GET /api/me/ (token in the cache)": clients.cached.get("/api/me/")},
        web_session_chain,
        mobile_session_chain,
    ]
    with ThreadPoolExecutor(len(chains)) as pool:
        return {name: reply for replies in pool.map(lambda chain: chain(), chains) for name, reply in replies.items()}


def unexpected_answers(replies: dict[str, Reply], expected: dict[str, tuple[int, dict | None]]) -> list[str]:
    """Each probe whose status (and, where given, JSON body subset) differs from ``expected``."""
    problems = []
    for name, (status, body_subset) in expected.items():
        reply = replies[name]
        data = reply.json()
        matches = reply.status == status and (
            body_subset is None or (isinstance(data, dict) and body_subset.items() <= data.items())
        )
        if not matches:
            problems.append(f"{name}: expected {status} {body_subset or ''}, got {reply.status} {reply.body[:200]!r}")
    return problems
