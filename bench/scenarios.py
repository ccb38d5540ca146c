"""The requests the benchmark sends, as data: one ``Scenario`` per measured line of the report.

Every request carries ``X-Forwarded-Proto: https`` (the proxy's scheme header that production
settings trust). Authenticated requests send the session's binding cookie (the fingerprint,
when the variant has one) exactly as a browser would.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from bench.deployment import PROXY_HEADERS, Deployment
from bench.load import RequestSpec

# Refresh tokens are provisioned for this many times the fastest warm-up rate (a GET's), so a
# refresh run never runs out of fresh tokens: refresh is the slower request.
REFRESH_TOKEN_MARGIN = 1.5
REFRESH_TOKEN_MINIMUM = 200


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    deployment: Deployment
    spec: RequestSpec
    fresh_cookies: bool = False  # each request takes the next unused Cookie line (refresh)
    bounded_by_hashing: bool = False  # login: one PBKDF2 hash per request, deliberately slow


def version_spec() -> RequestSpec:
    return RequestSpec("GET", "/api/version/", dict(PROXY_HEADERS))


def me_spec(credentials: dict) -> RequestSpec:
    headers = {**PROXY_HEADERS, "Authorization": f"Bearer {credentials['access']}"}
    if credentials["binding_cookies"]:
        headers["Cookie"] = credentials["binding_cookies"]
    return RequestSpec("GET", "/api/me/", headers)


def _browser_post_headers(credentials: dict) -> dict[str, str]:
    """What the web client sends to the cookie endpoints: an allowed Origin and the CSRF header."""
    return {**PROXY_HEADERS, "Origin": credentials["frontend_origin"], "X-Requested-With": "XMLHttpRequest"}


def refresh_spec(credentials: dict) -> RequestSpec:
    return RequestSpec("POST", "/api/auth/refresh/", _browser_post_headers(credentials))


def login_spec(credentials: dict, username: str | None = None) -> RequestSpec:
    body = json.dumps({"username": username or credentials["username"], "password": credentials["password"]})
    headers = {**_browser_post_headers(credentials), "Content-Type": "application/json"}
    return RequestSpec("POST", "/api/auth/login/", headers, body)


def scenarios_for(cached: Deployment, uncached: Deployment) -> list[Scenario]:
    """Every measured scenario; the full set on the token-cache deployment, the GETs on the other."""
    return [
        Scenario("version_cache", "GET /api/version/ (no auth; floor)", cached, version_spec()),
        Scenario("me_cache", "GET /api/me/ (token cache on)", cached, me_spec(cached.credentials)),
        Scenario("version_nocache", "GET /api/version/ (no auth; floor, cache-off build)", uncached, version_spec()),
        Scenario("me_nocache", "GET /api/me/ (token cache off)", uncached, me_spec(uncached.credentials)),
        Scenario("refresh", "POST /api/auth/refresh/ (web, rotates)", cached, refresh_spec(cached.credentials), True),
        Scenario(
            "login",
            "POST /api/auth/login/ (PBKDF2)",
            cached,
            login_spec(cached.credentials),
            bounded_by_hashing=True,
        ),
        Scenario(
            "login_mfa",
            "POST /api/auth/login/ with TOTP on (PBKDF2, then 202 and a challenge)",
            cached,
            login_spec(cached.credentials, cached.credentials["mfa_username"]),
            bounded_by_hashing=True,
        ),
    ]


def refresh_tokens_needed(fastest_rate: float, seconds: float) -> int:
    return max(REFRESH_TOKEN_MINIMUM, math.ceil(fastest_rate * seconds * REFRESH_TOKEN_MARGIN))
