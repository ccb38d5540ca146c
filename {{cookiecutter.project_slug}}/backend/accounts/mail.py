"""Account email, behind one function: ``send_account_email``.

Each message is three templates named after its kind, in ``accounts/templates/accounts/email/``:
``<kind>_subject.txt``, ``<kind>.txt`` and ``<kind>.html``. Messages go out through Django's email
backend (``EMAIL_URL``) as a background task (config.deferred): after the transaction that asked
for them has committed, so a rolled-back sign-up sends nothing, and away from the request, so no
response waits for the mail server or tells, by how long it took, whether mail was sent
(ASVS 5.0 6.3.8). Passwords are never part of a message's context.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from authentication.security_log import security_event
from config.deferred import defer, task

logger = logging.getLogger(__name__)


def render_account_email(kind: str, to: str, context: dict) -> EmailMultiAlternatives:
    context = {"project_name": settings.PROJECT_NAME, "frontend_url": settings.FRONTEND_URL, **context}
    subject = render_to_string(f"accounts/email/{kind}_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # one line, whatever the template's whitespace
        body=render_to_string(f"accounts/email/{kind}.txt", context),
        to=[to],
    )
    message.attach_alternative(render_to_string(f"accounts/email/{kind}.html", context), "text/html")
    message.extra_headers["X-Account-Email"] = kind  # lets a mail filter (or a test) tell them apart
    return message


@task("accounts.send_account_email", background=True)
def deliver(kind: str, to: str, context: dict) -> None:
    message = render_account_email(kind, to, context)
    try:
        message.send()
    except Exception as error:  # the mail server is down or refused: the request has long been answered
        security_event("account_email_failed", level=logging.ERROR, kind=kind, error=type(error).__name__)
        logger.warning("Could not send %s email: %s", kind, type(error).__name__)
        raise


def send_account_email(kind: str, to: str, **context) -> None:
    """Send the ``kind`` email to ``to`` once the current transaction commits (at once outside one)."""
    defer("accounts.send_account_email", kind=kind, to=to, context=context)
