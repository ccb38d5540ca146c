"""Security events: one structured log line each, on the ``security`` logger.

Events carry the client address and what happened; tokens, passwords and cookie values
are never logged.
"""

import logging

from .request_context import RequestContext, context_of

logger = logging.getLogger("security")


def security_event(event: str, request=None, *, level: int = logging.INFO, **fields) -> None:
    """Log ``event``; ``request`` is a Django or DRF request, or its context."""
    data = {"event": event, **fields}
    if request is not None:
        context = request if isinstance(request, RequestContext) else context_of(request)
        data["client_ip"] = context.client_address
        data["path"] = context.request.path
    logger.log(level, event, extra=data)
