"""Shared fixtures: users, an API client that behaves like the browser client, and login helpers."""

import logging

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework.test import APIClient

from authentication import token_service
from authentication.bindings import bind_new_session, write_binding_cookies

PASSWORD = "correct-horse-battery-staple"
ORIGIN = "https://app.example.test"


def clear_test_cache() -> None:
    """Forget this run's keys only: with Redis, other runs and other apps share the database."""
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle and tamper counters from one test never leak into the next."""
    clear_test_cache()
    yield
    clear_test_cache()


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="alice", email="alice@example.com", password=PASSWORD)


@pytest.fixture
def other_user(django_user_model):
    return django_user_model.objects.create_user(username="bob", email="bob@example.com", password=PASSWORD)


@pytest.fixture
def api():
    """A client sending what the browser client sends: an allowed Origin and the CSRF header."""
    return APIClient(HTTP_ORIGIN=ORIGIN, HTTP_X_REQUESTED_WITH="XMLHttpRequest")


@pytest.fixture
def bare_api():
    """A client with no Origin and no CSRF header (curl, a cross-site form, an attacker)."""
    return APIClient()


@pytest.fixture
def login(api, user, settings):
    """Log ``user`` in through the API; return the response (cookies stay on ``api``)."""

    def _login(username="alice", password=PASSWORD, client=None):
        client = client or api
        return client.post("/api/auth/login/", {"username": username, "password": password}, format="json")

    return _login


def start_bound_session(user, client):
    """Start a session through the token service, giving ``client`` whatever cookies a login would
    bind the tokens to (none unless client bindings are configured)."""
    request = RequestFactory().post("/api/auth/login/")
    tokens = token_service.start_session(user, bind_new_session(request))
    response = HttpResponse()
    write_binding_cookies(request, response, tokens)
    for name, morsel in response.cookies.items():
        client.cookies[name] = morsel.value
    return tokens


@pytest.fixture
def session(user, api):
    """Tokens of a session started directly through the token service, usable from ``api``."""
    return start_bound_session(user, api)


def bearer(access: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {access}"}


@pytest.fixture
def security_events(caplog):
    """Events written to the ``security`` logger (which does not propagate to the root logger)."""
    logger = logging.getLogger("security")
    logger.addHandler(caplog.handler)
    yield lambda: [record for record in caplog.records if record.name == "security"]
    logger.removeHandler(caplog.handler)
