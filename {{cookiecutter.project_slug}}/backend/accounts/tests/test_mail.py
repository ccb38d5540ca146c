"""Account email: every kind renders a subject, a text and an HTML part named after the project;
it is sent only once the transaction commits; the background thread delivers to a real SMTP server,
a server that is down is reported, and mail still queued at exit goes out first."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import transaction

from accounts.mail import deliver, render_account_email, send_account_email
from accounts.testing import free_port, kind_of

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "accounts" / "email"
KINDS = sorted(path.name.removesuffix("_subject.txt") for path in TEMPLATES.glob("*_subject.txt"))
UNRENDERED = ("\x7b\x7b", "\x7b%")  # a template tag's opening, left in the output
CONTEXT = {
    "link": "https://app.example.test/page#token=abc",
    "lifetime": "1 hour",
    "username": "alice",
    "new_email_hint": "a***@example.com",
    "sign_in_link": "https://app.example.test/login",
    "sign_up_link": "https://app.example.test/signup",
    "forgot_password_link": "https://app.example.test/forgot-password",
    "security_link": "https://app.example.test/settings/security",
    "device": "Firefox 133 on Windows",
    "client_address": "203.0.113.7",
    "when": "2026-12-01 12:00 UTC",
    "threshold": 20,
    "window": "60 minutes",
}


def test_every_kind_the_code_sends_has_its_templates_and_no_template_is_unused():
    sent = set()
    for module in (Path(__file__).resolve().parent.parent).glob("*.py"):
        sent |= set(re.findall(r'send_account_email\(\s*"(\w+)"', module.read_text()))
    assert sent == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_has_a_one_line_subject_a_text_and_an_html_part(kind, settings):
    settings.PROJECT_NAME = "Tom & Jerry's <Portal>"
    message = render_account_email(kind, "someone@example.com", CONTEXT)
    assert "\n" not in message.subject and "Tom & Jerry's <Portal>" in message.subject
    assert "&amp;" not in message.body and not any(tag in message.body for tag in UNRENDERED)
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and "Tom &amp; Jerry&#x27;s &lt;Portal&gt;" in html
    assert kind_of(message) == kind


def test_nothing_is_sent_when_the_transaction_rolls_back(outbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_account_email("password_changed", "alice@example.com", **CONTEXT)
        raise RuntimeError("the sign-up failed after asking for mail")
    assert outbox == []
    with transaction.atomic():
        send_account_email("password_changed", "alice@example.com", **CONTEXT)
        assert outbox == []  # not before the commit
    assert [kind_of(message) for message in outbox] == ["password_changed"]


def test_the_background_sender_delivers_over_smtp(smtp_server, settings):
    settings.RUN_TASKS_IN_BACKGROUND = True
    send_account_email("verify_email", "carol@example.com", **CONTEXT)
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "carol@example.com" and message["X-Account-Email"] == "verify_email"
    assert message.get_body(("plain",)).get_content().count(CONTEXT["link"]) == 1
    assert message.get_body(("html",)) is not None


def test_a_mail_server_that_is_down_is_logged_and_nothing_breaks(settings, security_events):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    with pytest.raises(ConnectionRefusedError):  # raised for the runner (a worker retries it)
        deliver("verify_email", "carol@example.com", CONTEXT)
    [event] = [record for record in security_events() if record.event == "account_email_failed"]
    assert event.kind == "verify_email" and event.error == "ConnectionRefusedError"


EXITING_WORKER = """
import sys
import django
django.setup()
from django.conf import settings
settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", int(sys.argv[1])
settings.RUN_TASKS_IN_BACKGROUND = True
from accounts.mail import send_account_email
send_account_email("password_changed", "alice@example.com", username="alice", forgot_password_link="x")
"""


def test_mail_still_queued_at_exit_is_sent_on_the_way_out(smtp_server):
    """A worker that exits (a restart, worker recycling) first sends what its sender thread holds."""
    smtp_server.delay = 0.5  # the process reaches its end long before the server has accepted
    backend = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONPATH": str(backend),
        "DATABASE_URL": "sqlite://:memory:",  # the process needs no data, only a connection to commit on
    }
    subprocess.run(
        [sys.executable, "-c", EXITING_WORKER, str(smtp_server.port)], env=env, cwd=backend, check=True, timeout=60
    )
    [message] = smtp_server.wait_for(1, timeout=1)  # already there when the process has ended
    assert message["X-Account-Email"] == "password_changed"
