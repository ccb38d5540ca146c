"""Operational endpoints: the health check and the OpenAPI documents."""

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_any_host_without_redirect(client):
    """Orchestrators probe over plain HTTP with their own Host header."""
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200


def test_openapi_schema_describes_every_auth_endpoint(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for endpoint in ("login", "refresh", "logout", "verify", "check", "password"):
        assert f"/api/auth/{endpoint}/" in paths
    assert "/api/me/" in paths
    assert "accessToken" in response.json()["components"]["securitySchemes"]


def test_docs_page_is_served(client):
    assert client.get("/api/docs/").status_code == 200


def test_unknown_api_path_gets_json_404(client):
    response = client.get("/api/does-not-exist/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_version_is_public(client):
    response = client.get("/api/version/")
    assert response.status_code == 200
    assert set(response.json()) == {"name", "version"}
