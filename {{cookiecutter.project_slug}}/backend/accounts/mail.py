"""Account email, behind one function: ``send_account_email``.

Each message is three templates named after its kind, in ``accounts/templates/accounts/email/``:
``<kind>_subject.txt``, ``<kind>.txt`` and ``<kind>.html``. Messages go out through Django's email
backend (``EMAIL_URL``) once the transaction that asked for them has committed, so a rolled-back
sign-up sends nothing. Passwords are never part of a message's context.

Delivery (``ACCOUNTS["MAIL_DELIVERY"]``): "background" hands the message to a sender thread of
this process, so no response waits for the mail server or tells, by how long it took, whether
mail was sent (ASVS 5.0 6.3.8). A message still queued when the process exits is sent on the way
out, for up to ``SHUTDOWN_GRACE`` seconds. "immediate" sends it in the request (tests).
"""

import atexit
import logging
import os
import queue
import threading
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from authentication.security_log import security_event

from .conf import account_settings

logger = logging.getLogger(__name__)
SHUTDOWN_GRACE = 10.0


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


def deliver(message: EmailMultiAlternatives) -> None:
    kind = message.extra_headers.get("X-Account-Email")
    try:
        message.send()
    except Exception as error:  # the mail server is down or refused: the request has already been answered
        security_event("account_email_failed", level=logging.ERROR, kind=kind, error=type(error).__name__)
        logger.warning("Could not send %s email: %s", kind, type(error).__name__)


class BackgroundSender:
    """One sender thread per process, started on first use (and again in a forked child)."""

    _stop = object()

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()

    def submit(self, message: EmailMultiAlternatives) -> None:
        with self._lock:
            if self._pid != os.getpid():  # forked (a gunicorn worker): the parent's thread is not ours
                self._queue, self._thread, self._pid = queue.SimpleQueue(), None, os.getpid()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="account-email", daemon=True)
                self._thread.start()
            self._queue.put(message)

    def _run(self) -> None:
        while (message := self._queue.get()) is not self._stop:
            deliver(message)

    def flush(self, timeout: float = SHUTDOWN_GRACE) -> None:
        """Send what is queued, then stop the thread (at exit; tests)."""
        with self._lock:
            thread, self._thread = self._thread, None
            if thread is None or self._pid != os.getpid():
                return
            self._queue.put(self._stop)
        thread.join(timeout)


background_sender = BackgroundSender()
atexit.register(background_sender.flush)


def _send(message: EmailMultiAlternatives) -> None:
    if account_settings.MAIL_DELIVERY == "background":
        background_sender.submit(message)
    else:
        deliver(message)


def send_account_email(kind: str, to: str, **context) -> None:
    """Send the ``kind`` email to ``to`` once the current transaction commits (at once outside one)."""
    message = render_account_email(kind, to, context)
    transaction.on_commit(partial(_send, message), robust=True)
