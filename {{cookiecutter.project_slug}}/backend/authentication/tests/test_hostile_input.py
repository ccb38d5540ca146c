"""Hostile input never causes a 500: malformed Authorization headers get 401, bodies that are not
the expected JSON get 400 (413 when too large), other content types 415 (ASVS 5.0 16.5.1, 16.5.3)."""

import json

import pytest

from authentication.testing import (
    CHECK_URL,
    LOGIN_URL,
    PASSWORD_URL,
    VERIFY_URL,
    assert_error,
    bearer,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer",
        "Bearer ",
        "Bearer a b",
        "Bearer \u00e9\u00e8\u00ff.\u00e9.\u00e9",
        "Bearer \u20ac\u2603",
        "Bearer " + "a" * 10 * 1024,
        "Bearer a.b.c",
        "Bearer ...",
        "Bearer \x00",
        "Basic YWxpY2U6cGFzc3dvcmQ=",
        "bearer abc",
        "Token abc",
    ],
    ids=[
        "scheme-only",
        "scheme-space",
        "three-parts",
        "latin1",
        "non-latin1",
        "10kb",
        "garbage-segments",
        "empty-segments",
        "nul",
        "basic",
        "lowercase-scheme",
        "other-scheme",
    ],
)
def test_malformed_authorization_header_gets_401_not_500(bare_api, authorization):
    """ASVS 5.0 16.5.3, ASVS 5.0 16.5.1: bad ``Authorization`` headers are plain 401s in the error shape."""
    response = bare_api.get(VERIFY_URL, HTTP_AUTHORIZATION=authorization)
    assert_error(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


ENDPOINT_FIELDS = {
    LOGIN_URL: ("username", "password"),
    CHECK_URL: ("token",),
    PASSWORD_URL: ("current_password", "new_password"),
}

RAW_BODIES = {
    "array": b'["alice", "pw"]',
    "empty-array": b"[]",
    "string": b'"alice"',
    "number": b"42",
    "null": b"null",
    "boolean": b"true",
    "empty": b"",
    "truncated": b'{"username": "alice", "pass',
    "invalid-utf8": b'{"username": "\xff\xfe\xc3", "password": "\xed\xa0\x80"}',
    "2mb": b'{"username": "' + b"a" * (2 * 1024 * 1024) + b'"}',
    "deep-arrays": b"[" * 100_000 + b"]" * 100_000,
    "deep-objects": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
}

FIELD_VALUES = {
    "nested-objects": {"$gt": "", "deeper": {"deepest": [1, {"x": None}]}},
    "lists": ["alice", "bob"],
    "booleans": True,
    "nulls": None,
    "too-long": "x" * 10_000,
}


def credentials_for(url: str, request) -> dict:
    """A live session's bearer header for the endpoint that needs one."""
    return bearer(request.getfixturevalue("access")) if url == PASSWORD_URL else {}


def hostile_body(url: str, kind: str) -> bytes:
    if kind in RAW_BODIES:
        return RAW_BODIES[kind]
    return json.dumps({field: FIELD_VALUES[kind] for field in ENDPOINT_FIELDS[url]}).encode()


@pytest.mark.parametrize("url", list(ENDPOINT_FIELDS))
@pytest.mark.parametrize("kind", [*RAW_BODIES, *FIELD_VALUES])
def test_hostile_body_gets_400_not_500(api, request, url, kind):
    """ASVS 5.0 16.5.3: bad bodies (a JSON array where an object belongs, say) are 400s,
    and a body over the size limit is a 413."""
    response = api.post(url, hostile_body(url, kind), content_type="application/json", **credentials_for(url, request))
    if kind == "2mb":
        assert_error(response, 413, "body_too_large")
    else:
        assert_error(response, 400)


@pytest.mark.parametrize("url", list(ENDPOINT_FIELDS))
@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"],
)
def test_body_of_another_content_type_is_refused(api, request, url, content_type):
    """ASVS 5.0 3.5.1: only JSON is parsed, so a form (which needs no preflight) cannot reach these views."""
    response = api.post(url, b"username=alice&password=x", content_type=content_type, **credentials_for(url, request))
    assert_error(response, 415, "unsupported_media_type")
