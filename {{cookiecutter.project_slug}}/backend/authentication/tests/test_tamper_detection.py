"""Tamper detection: invalid tokens are security events with the caller's address, counted in the
shared cache; past the threshold that address gets 429. Expired tokens are not tampering."""

import json
import logging
import time

import pytest

from authentication.testing import (
    VERIFY_URL,
    assert_error,
    bearer,
    claims_of,
    clear_test_cache,
    events,
    signed_with_our_key,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(access) -> dict:
    return claims_of(access)


def flip_signature_character(token: str) -> str:
    signing_input, signature = token.rsplit(".", 1)
    return f"{signing_input}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"


def test_invalid_token_is_logged_as_a_security_event_with_the_client_address(api, access, security_events):
    """ASVS 4.0.3 3.5.3: tampering is a security event with the caller's address; the token is not logged."""
    forged = flip_signature_character(access)
    assert_error(api.get(VERIFY_URL, **bearer(forged)), 401, "token_invalid")
    [record] = events(security_events, "token_tampered")
    assert record.levelno == logging.WARNING
    assert record.client_ip == "127.0.0.1"
    assert record.count == 1
    logged = json.dumps({name: str(value) for name, value in vars(record).items()})
    assert forged.split(".")[2] not in logged
    assert access.split(".")[1] not in logged


def test_repeated_invalid_tokens_from_one_address_get_429(api, access, security_events, auth):
    """ASVS 4.0.3 3.5.3: past the tamper threshold that address is answered 429; others are not."""
    auth.TAMPER_THRESHOLD = 3
    forged = flip_signature_character(access)
    for _ in range(3):
        assert_error(api.get(VERIFY_URL, **bearer(forged)), 401, "token_invalid")
    assert [record.count for record in events(security_events, "token_tampered")] == [1, 2, 3]
    response = api.get(VERIFY_URL, **bearer(access))
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert events(security_events, "tamper_blocked")
    assert api.get(VERIFY_URL, REMOTE_ADDR="127.0.0.2", **bearer(access)).status_code == 200


def test_forwarded_for_header_does_not_escape_the_tamper_block(api, access, auth):
    """OWASP WSTG-ATHZ-03, ASVS 5.0 4.1.3: a client-written X-Forwarded-For does not change who is counted."""
    auth.TAMPER_THRESHOLD = 2
    forged = flip_signature_character(access)
    for hop in ("203.0.113.1", "203.0.113.2"):
        api.get(VERIFY_URL, HTTP_X_FORWARDED_FOR=hop, **bearer(forged))
    response = api.get(VERIFY_URL, HTTP_X_FORWARDED_FOR="198.51.100.7", **bearer(access))
    assert_error(response, 429, "throttled")


def test_expired_tokens_do_not_count_as_tampering(api, claims, access, security_events, auth):
    """RFC 7519 4.1.4: an expired token is not tampering; expired tokens never lead to a block."""
    auth.TAMPER_THRESHOLD = 2
    now = int(time.time())
    expired = signed_with_our_key({**claims, "iat": now - 3600, "exp": now - 1})
    for _ in range(5):
        assert_error(api.get(VERIFY_URL, **bearer(expired)), 401, "token_expired")
    assert events(security_events, "token_tampered") == []
    assert api.get(VERIFY_URL, **bearer(access)).status_code == 200


def test_tamper_counter_lives_in_the_shared_cache(api, access, auth):
    """ASVS 4.0.3 3.5.3: the counter is in the shared cache every worker sees, not in process memory."""
    auth.TAMPER_THRESHOLD = 2
    forged = flip_signature_character(access)
    for _ in range(2):
        api.get(VERIFY_URL, **bearer(forged))
    assert api.get(VERIFY_URL, **bearer(access)).status_code == 429
    clear_test_cache()  # this run's keys only: other runs may share the Redis database
    assert api.get(VERIFY_URL, **bearer(access)).status_code == 200
