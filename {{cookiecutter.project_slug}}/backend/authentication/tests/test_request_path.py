"""One request path: what a request is (its client address, the shared-cache read) is worked out
once, and authentication reads top-down, handing the request to each module it needs once.

The path is traced while a real request runs: every call into the project's code that is given
the request (Django's, DRF's wrapper of it, or its context) is recorded in order.
"""

import sys
from contextlib import contextmanager

import pytest
from django.http import HttpRequest
from rest_framework.request import Request

from authentication.request_context import RequestContext
from authentication.testing import ME_URL, bearer

pytestmark = pytest.mark.django_db

REQUEST_TYPES = (HttpRequest, Request, RequestContext)


def is_project_code(module: str) -> bool:
    top = module.split(".")[0]
    return top in sys.modules and not module.endswith((".testing", "conftest")) and ".tests" not in module


@contextmanager
def traced_calls():
    """``(module, function, given the request)`` for each call into the project's code."""
    calls = []

    def profile(frame, event, arg):
        if event != "call":
            return
        module = frame.f_globals.get("__name__", "")
        if not module or module.startswith(("django", "rest_framework", "jwt", "corsheaders")):
            return
        if not is_project_code(module) or "site-packages" in frame.f_code.co_filename:
            return
        code = frame.f_code
        arguments = [frame.f_locals.get(name) for name in code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]]
        calls.append((module, code.co_name, any(isinstance(value, REQUEST_TYPES) for value in arguments)))

    sys.setprofile(profile)
    try:
        yield calls
    finally:
        sys.setprofile(None)


def authentication_path(calls) -> list[str]:
    """The modules an authenticating request is handed to, in order, one entry per stay."""
    start = next(index for index, call in enumerate(calls) if call[:2] == ("authentication.access", "authenticate"))
    end = next(index for index, call in enumerate(calls[start:], start) if call[0] == "authentication.throttles")
    path = []
    for module, _, given_the_request in calls[start:end]:
        if given_the_request and (not path or path[-1] != module):
            path.append(module)
    return path


@pytest.fixture
def warm_access(api, access):
    """A signed-in client whose first request (which may fill caches) has been made."""
    assert api.get(ME_URL, **bearer(access)).status_code == 200
    return access


def test_authentication_hands_the_request_to_each_module_once(api, warm_access):
    with traced_calls() as calls:
        assert api.get(ME_URL, **bearer(warm_access)).status_code == 200
    path = authentication_path(calls)
    assert path[:2] == ["authentication.access", "authentication.request_context"], path
    assert len(path) == len(set(path)), f"a module was entered twice: {' -> '.join(path)}"


def test_the_client_address_is_worked_out_once_per_request(api, warm_access):
    with traced_calls() as calls:
        assert api.get(ME_URL, **bearer(warm_access)).status_code == 200
    computed = [call for call in calls if call[:2] == ("authentication.client_address", "client_address")]
    assert len(computed) == 1
