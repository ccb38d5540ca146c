"""Every security event worth keeping becomes an ``AuditEvent``, written as a deferred task
(config.deferred): after the transaction that raised it commits, in a worker when one runs the
tasks. Events raised by work that rolls back are kept only in the log."""

import functools
import uuid

from django.apps import apps
from django.dispatch import receiver
from django.utils import timezone

from authentication.security_log import security_event_recorded
from config.deferred import defer

from .conf import audit_settings
from .records import SECRET_WORDS, record_event  # noqa: F401  (registers the task)

CONTEXT_FIELDS = ("user_id", "session")


@functools.cache
def declared_events() -> frozenset:
    """Events that installed optional apps ask to keep (``audited_events`` on their AppConfig)."""
    return frozenset(event for config in apps.get_app_configs() for event in getattr(config, "audited_events", ()))


def _details(fields: dict) -> dict:
    """The event's fields less the ones kept in columns, and less anything named like a secret."""
    return {
        name: value
        for name, value in fields.items()
        if name not in CONTEXT_FIELDS and not any(word in name.lower() for word in SECRET_WORDS)
    }


@receiver(security_event_recorded)
def keep_security_event(sender, event: str, fields: dict, context, **kwargs) -> None:
    if event not in audit_settings.EVENTS and event not in declared_events():
        return
    request = context.request if context is not None else None
    defer(
        "audit.record_event",
        event_id=str(uuid.uuid4()),
        at=timezone.now().isoformat(),
        event=event,
        user_id=fields.get("user_id"),
        username=fields.get("username") if fields.get("user_id") is None else None,
        client_address=context.client_address if context is not None else None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:512] if request is not None else "",
        session_id=str(fields["session"]) if fields.get("session") else None,
        details=_details(fields),
    )
