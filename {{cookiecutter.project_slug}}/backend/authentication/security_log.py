"""Security events: one structured log line each, on the ``security`` logger, and a signal.

Events carry the client address and what happened; tokens, passwords and cookie values are
never part of one. ``security_event_recorded`` is sent with each, so other apps can keep them
(the audit trail) or act on them (notifications) without this app knowing they exist. A failing
receiver is logged; it never fails the request that raised the event.
"""

import logging

from django.dispatch import Signal

from .request_context import RequestContext, context_of

logger = logging.getLogger("security")
receivers_logger = logging.getLogger(__name__)

# Sent with ``event`` (its name), ``fields`` (what the log line carries) and ``context`` (the
# request's context, or None outside a request).
security_event_recorded = Signal()


def security_event(event: str, request=None, *, level: int = logging.INFO, **fields) -> None:
    """Log ``event``; ``request`` is a Django or DRF request, or its context."""
    data = {"event": event, **fields}
    context = None
    if request is not None:
        context = request if isinstance(request, RequestContext) else context_of(request)
        data["client_ip"] = context.client_address
        data["path"] = context.request.path
    logger.log(level, event, extra=data)
    for receiver, outcome in security_event_recorded.send_robust(None, event=event, fields=fields, context=context):
        if isinstance(outcome, Exception):
            receivers_logger.error("%s failed on %s: %r", getattr(receiver, "__qualname__", receiver), event, outcome)
