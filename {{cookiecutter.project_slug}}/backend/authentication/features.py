"""What installed optional apps add to authentication, declared on their ``AppConfig``.

An optional feature is one Django app; installing it (one line in ``INSTALLED_APPS``) is all it
takes. The core never imports one; it asks here for what the installed apps declare:

- ``client_binding``: dotted path of a class that ties a session's tokens to the client they
  were issued to (see ``authentication.bindings``);
- ``access_token_store``: dotted path of a store that remembers validated access tokens, asked
  before a token is verified and told after (see ``authentication.access``);
- ``auth_urls``: ``(prefix, urlconf)`` mounted under ``/api/auth/``;
- ``sign_in_step``: dotted path of a class whose ``begin(request, user)`` may hold a sign-in after
  the password and answer 202 instead of tokens (``respond(pending, in_body)``): the mfa app's
  second factor.

Other apps of the core read declarations of their own: ``audited_events`` (security events the
audit trail keeps, audit.receivers) and ``task_runner`` (where deferred work runs, config.deferred).
"""

import functools

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


def _declared(attribute: str) -> list:
    return [getattr(config, attribute) for config in apps.get_app_configs() if getattr(config, attribute, None)]


@functools.cache
def client_bindings() -> tuple:
    return tuple(import_string(path)() for path in _declared("client_binding"))


@functools.cache
def access_token_store():
    stores = _declared("access_token_store")
    if len(stores) > 1:
        raise ImproperlyConfigured(f"Only one app may declare an access_token_store, not {len(stores)}.")
    return import_string(stores[0])() if stores else None


@functools.cache
def sign_in_steps() -> tuple:
    return tuple(import_string(path)() for path in _declared("sign_in_step"))


def auth_urls() -> list[tuple[str, str]]:
    return _declared("auth_urls")
