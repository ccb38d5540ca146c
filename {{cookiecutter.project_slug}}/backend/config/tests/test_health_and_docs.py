"""Operational endpoints: the health check and the OpenAPI documents."""

import re

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_any_host_without_redirect(client):
    """Orchestrators probe over plain HTTP with their own Host header."""
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200


def test_liveness_does_not_depend_on_the_database(client, monkeypatch):
    def database_down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("config.health.connection.cursor", database_down)
    assert client.get("/healthz").status_code == 503  # readiness: take no traffic
    live = client.get("/healthz/live", HTTP_HOST="10.0.0.5:8000")
    assert live.status_code == 200 and live.json() == {"status": "ok"}  # liveness: no restart


def test_openapi_schema_describes_every_auth_and_account_endpoint(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for endpoint in ("login", "refresh", "logout", "verify", "check", "password"):
        assert f"/api/auth/{endpoint}/" in paths
    assert "/api/me/" in paths
    for endpoint in (
        "signup",
        "verify-email",
        "verify-email/resend",
        "password-reset",
        "password-reset/confirm",
        "email",
        "email/confirm",
    ):
        operation = paths[f"/api/account/{endpoint}/"]["post"]
        assert {"400", "429"} <= set(operation["responses"]), endpoint
    assert "accessToken" in response.json()["components"]["securitySchemes"]


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_load_nothing_from_other_servers(client, page):
    """Swagger UI and Redoc come from drf-spectacular-sidecar: they work offline, and an auth
    server's docs page never runs a third-party script."""
    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r"""(?:src|href)=["']([^"']+)""", html)
    assert any(asset.endswith(".js") for asset in assets)
    assert [asset for asset in assets if not asset.startswith("/")] == []
    assert "//" not in "".join(assets)
    assert "fonts.googleapis" not in html and "cdn." not in html
    # No inline script, and a policy that lets the page load nothing from another server.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src" not in policy and "'unsafe-eval'" not in policy


def test_version_is_public(client):
    response = client.get("/api/version/")
    assert response.status_code == 200
    assert set(response.json()) == {"name", "version"}
