"""Client bindings: values that tie a session's tokens to the client it was issued to.

Installed apps declare them (``client_binding`` on their ``AppConfig``; see features.py). At
login each binding adds claims to the new tokens and issues what the client must keep: a
cookie for browsers, a body field for clients that keep no cookies. Every authenticated request
and every refresh is then checked against those claims.

A binding has a ``name`` (its body field) and a ``header`` (where clients without cookies send
the value back), and five methods, each given the request's context (authentication.request_context):
``bind(context) -> claims``, ``verify(context, claims)``, ``write_cookie(context, response,
expires_at)``, ``clear_cookie(response)`` and ``response_field()`` (the body field's schema).
"""

from .features import client_bindings


def bind_new_session(context) -> dict:
    """Claims that tie a new session to this client."""
    claims: dict = {}
    for binding in client_bindings():
        claims.update(binding.bind(context))
    return claims


def verify_bindings(context, claims) -> None:
    """Raise AuthenticationFailed unless this request comes from the client the token was bound to."""
    for binding in client_bindings():
        binding.verify(context, claims)


def write_binding_cookies(context, response, tokens) -> None:
    """Give the client (again) what it must present with these tokens; called at login and refresh."""
    for binding in client_bindings():
        binding.write_cookie(context, response, tokens.refresh_expires_at)


def clear_binding_cookies(response) -> None:
    for binding in client_bindings():
        binding.clear_cookie(response)


def client_values(context) -> dict:
    """What the bindings give this client in this response, for a body (clients without cookies)."""
    return dict(context.client_values)


def response_fields() -> dict:
    """The schema of those body fields, by name."""
    return {binding.name: binding.response_field() for binding in client_bindings()}
