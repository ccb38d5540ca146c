"""Helpers for the account tests: the endpoints, links read out of mail, and a real SMTP server
on loopback. Fixtures are in accounts/tests/conftest.py."""

import asyncio
import email
import email.policy
import re
import socket
import threading
import time
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller

SIGNUP_URL = "/api/account/signup/"
VERIFY_EMAIL_URL = "/api/account/verify-email/"
RESEND_URL = "/api/account/verify-email/resend/"
RESET_URL = "/api/account/password-reset/"
RESET_CONFIRM_URL = "/api/account/password-reset/confirm/"
EMAIL_CHANGE_URL = "/api/account/email/"
EMAIL_CHANGE_CONFIRM_URL = "/api/account/email/confirm/"
# Long enough for the policy (15 characters), in no common-password list, unlike any username here.
NEW_PASSWORD = "plum-orbit-canvas-47"

LINK = re.compile(r"https?://\S+#token=\S+")


def kind_of(message) -> str:
    return message.extra_headers["X-Account-Email"]


def messages_of(outbox, kind: str, to: str | None = None) -> list:
    return [message for message in outbox if kind_of(message) == kind and (to is None or message.to == [to])]


def link_in(message) -> str:
    """The one link with a token in a message's text part (the HTML part must carry it too)."""
    found = LINK.findall(message.body)
    assert len(found) == 1, message.body
    assert found[0] in message.alternatives[0][0]
    return found[0]


def token_in(message) -> str:
    return token_of_link(link_in(message))


def token_of_link(link: str) -> str:
    return parse_qs(urlsplit(link).fragment)["token"][0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it receives.
    ``delay`` makes it take that long to accept each one, like a slow relay."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.messages: list[email.message.EmailMessage] = []
        self._received = threading.Condition()
        self._holding = threading.Event()
        self.sender_held = threading.Event()
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def hold(self) -> None:
        """Keep the next senders waiting after RCPT, mid-conversation: nothing is accepted yet, so a
        sender that dies while held has sent nothing. ``sender_held`` is set once one waits."""
        self.sender_held.clear()
        self._holding.set()

    def release(self) -> None:
        self._holding.clear()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        while self._holding.is_set():
            self.sender_held.set()
            await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._received:
            self.messages.append(message)
            self._received.notify_all()
        return "250 Message accepted"

    def start(self) -> "SmtpServer":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def wait_for(self, count: int, timeout: float = 10.0) -> list:
        deadline = time.monotonic() + timeout
        with self._received:
            while len(self.messages) < count:
                remaining = deadline - time.monotonic()
                assert remaining > 0, f"{len(self.messages)} of {count} messages arrived in {timeout}s"
                self._received.wait(remaining)
            return list(self.messages)
