"""Security events: one structured log line each, on the ``security`` logger.

Events carry the client address and what happened; tokens, passwords and cookie values
are never logged.
"""

import logging

from .client_address import client_address

logger = logging.getLogger("security")


def security_event(event: str, request=None, *, level: int = logging.INFO, **fields) -> None:
    data = {"event": event, **fields}
    if request is not None:
        data["client_ip"] = client_address(request)
        data["path"] = request.path
    logger.log(level, event, extra=data)
