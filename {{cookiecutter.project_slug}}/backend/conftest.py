"""Fixtures for the tests of every app: users, clients that behave like the web client, sign-in,
authentication and account settings, security events, mail. Helper functions are in authentication/testing.py."""

import logging

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.conf import account_settings
from accounts.testing import SmtpServer
from authentication.conf import auth_settings
from authentication.testing import BROWSER_HEADERS, LOGIN_URL, PASSWORD, clear_test_cache, start_bound_session
from config.deferred import background_thread
from config.signing_keys import ALGORITHMS
from mfa.testing import Clock


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle and tamper counters from one test never leak into the next."""
    clear_test_cache()
    yield
    clear_test_cache()


class SettingsOverride:
    """``fixture.NAME`` reads a setting of one namespace (``AUTH``, ``ACCOUNTS``); ``fixture.NAME =
    value`` changes it for one test."""

    def __init__(self, settings, setting: str, namespace) -> None:
        object.__setattr__(self, "_target", (settings, setting, namespace))

    def __getattr__(self, name: str):
        return getattr(self._target[2], name)

    def __setattr__(self, name: str, value) -> None:
        settings, setting, _ = self._target
        setattr(settings, setting, {**getattr(settings, setting), name: value})


@pytest.fixture
def auth(settings) -> SettingsOverride:
    return SettingsOverride(settings, "AUTH", auth_settings)


@pytest.fixture
def accounts(settings) -> SettingsOverride:
    return SettingsOverride(settings, "ACCOUNTS", account_settings)


@pytest.fixture(params=ALGORITHMS)
def signing_algorithm(request, settings) -> str:
    """Run the test once per signing algorithm, each with a throwaway key of its own."""
    settings.AUTH = {
        **settings.AUTH,
        "ALGORITHM": request.param,
        "PRIVATE_KEY": settings.TEST_PRIVATE_KEYS.get(request.param, ""),
    }
    return request.param


@pytest.fixture
def totp_clock(monkeypatch) -> Clock:
    """The clock TOTP codes are checked at, held still mid-step; ``totp_clock.code(secret)``."""
    clock = Clock()
    monkeypatch.setattr("mfa.totp.current_time", clock.current)
    return clock


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(
        username="alice", email="alice@example.com", password=PASSWORD, email_verified_at=timezone.now()
    )


@pytest.fixture
def other_user(django_user_model):
    return django_user_model.objects.create_user(
        username="bob", email="bob@example.com", password=PASSWORD, email_verified_at=timezone.now()
    )


@pytest.fixture
def api():
    """A client sending what the browser client sends: an allowed Origin and the CSRF header."""
    return APIClient(**BROWSER_HEADERS)


@pytest.fixture
def bare_api():
    """A client with no Origin and no CSRF header (curl, a cross-site form, an attacker)."""
    return APIClient()


@pytest.fixture
def login(api, user):
    """Log a user in through the API; return the response (cookies stay on the client)."""

    def _login(username="alice", password=PASSWORD, client=None):
        client = client or api
        return client.post(LOGIN_URL, {"username": username, "password": password}, format="json")

    return _login


@pytest.fixture
def access(login) -> str:
    """The access token of a live web session; ``api`` keeps its cookies."""
    response = login()
    assert response.status_code == 200
    return response.data["access"]


@pytest.fixture
def session(user, api):
    """Tokens of a session started directly through the token service, usable from ``api``."""
    return start_bound_session(user, api)


@pytest.fixture
def commit_callbacks(django_capture_on_commit_callbacks):
    """Run on-commit work (cache invalidation after revocation) as a committed request would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def security_events(caplog):
    """Events written to the ``security`` logger (which does not propagate to the root logger)."""
    logger = logging.getLogger("security")
    logger.addHandler(caplog.handler)
    yield lambda: [record for record in caplog.records if record.name == "security"]
    logger.removeHandler(caplog.handler)


@pytest.fixture
def outbox(transactional_db) -> list:
    """Mail sent so far in this test (the local-memory backend). Mail is sent once the transaction
    commits, so tests that read it commit for real."""
    return mail.outbox


@pytest.fixture
def smtp_server(settings, transactional_db):
    """A real SMTP server on loopback that the project's email backend delivers to."""
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    background_thread.flush()
    server.stop()
