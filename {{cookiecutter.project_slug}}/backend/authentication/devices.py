"""A device label for a session, read from its User-Agent ("Firefox 133 on Windows", "Safari on iPhone").

The label is for people: the owner recognises their own sessions by it, and a sign-in from a
label never seen before on the account is worth telling them about. It is not a security
boundary (a client can send any User-Agent). Parsing uses ua-parser and its maintained rules.
"""

import functools

from ua_parser import parse

USER_AGENT_MAX_LENGTH = 512
UNKNOWN = "Unknown device"


@functools.lru_cache(maxsize=1024)
def device_label(user_agent: str) -> str:
    if not user_agent:
        return UNKNOWN
    parsed = parse(user_agent[:USER_AGENT_MAX_LENGTH])
    agent, system, hardware = parsed.user_agent, parsed.os, parsed.device
    browser = None
    if agent is not None and agent.family != "Other":
        browser = f"{agent.family} {agent.major}" if agent.major else agent.family
    platform = None
    if hardware is not None and hardware.family not in ("Other", "Spider") and hardware.brand is not None:
        platform = hardware.family
    elif system is not None and system.family != "Other":
        platform = system.family
    if browser and platform:
        return f"{browser} on {platform}"[:128]
    return (browser or platform or user_agent[:60] or UNKNOWN)[:128]
