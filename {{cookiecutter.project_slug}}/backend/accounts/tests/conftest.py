"""Fixtures of the account tests. Mail is sent when a transaction commits, so these tests commit
for real (``transactional_db``) and read ``mail.outbox`` or a real SMTP server."""

import pytest
from django.core import mail

from accounts.mail import background_sender
from accounts.testing import SmtpServer


@pytest.fixture
def outbox(transactional_db) -> list:
    """Mail sent so far in this test (the local-memory backend), once committed."""
    return mail.outbox


@pytest.fixture
def smtp_server(settings, accounts, transactional_db):
    """A real SMTP server on loopback that the project's email backend delivers to."""
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    background_sender.flush()
    server.stop()
