"""Client bindings: values that tie a session's tokens to the client it was issued to.

``settings.AUTH_CLIENT_BINDINGS`` lists the binding classes in use. At login each one adds
claims to the new tokens and whatever the client must keep (a cookie, a body field); every
authenticated request and every refresh is then checked against those claims.
"""

import functools

from django.conf import settings
from django.utils.module_loading import import_string


@functools.cache
def _bindings_for(paths: tuple[str, ...]) -> tuple:
    return tuple(import_string(path)() for path in paths)


def client_bindings() -> tuple:
    return _bindings_for(tuple(settings.AUTH_CLIENT_BINDINGS))


def bind_new_session(request) -> dict:
    """Claims that tie a new session to this client."""
    claims: dict = {}
    for binding in client_bindings():
        claims.update(binding.bind(request))
    return claims


def verify_bindings(request, claims) -> None:
    """Raise AuthenticationFailed unless this request comes from the client the token was bound to."""
    for binding in client_bindings():
        binding.verify(request, claims)


def write_binding_cookies(request, response, tokens) -> None:
    """Give the client (again) what it must present with these tokens; called at login and refresh."""
    for binding in client_bindings():
        binding.write_cookie(request, response, tokens.refresh_expires_at)


def clear_binding_cookies(response) -> None:
    for binding in client_bindings():
        binding.clear_cookie(response)
