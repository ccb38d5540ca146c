"""The relying party comes from each environment's settings, and one a browser would refuse
stops ``manage.py check`` (WebAuthn Level 3, 5.1.3: an RP ID is a domain the origin is on)."""

import pytest
from django.core.checks import run_checks

from passkeys.checks import relying_party_errors
from passkeys.conf import passkey_settings


def test_by_default_the_frontend_is_the_origin_and_its_host_the_rp_id():
    assert passkey_settings.ORIGINS == ["https://app.example.test"]
    assert passkey_settings.RP_ID == "app.example.test"


@pytest.mark.parametrize(
    ("rp_id", "origins"),
    [
        ("localhost", ["http://localhost:3000"]),
        ("example.com", ["https://example.com", "https://app.example.com"]),
        ("staging.example.com", ["https://staging.example.com"]),
    ],
)
def test_relying_parties_browsers_accept(rp_id, origins):
    assert relying_party_errors(rp_id, origins) == []


@pytest.mark.parametrize(
    ("rp_id", "origins", "complaint"),
    [
        ("127.0.0.1", ["http://127.0.0.1:3000"], "not '127.0.0.1'"),
        ("", ["https://example.com"], "must be a domain name"),
        ("example.com", ["http://example.com"], "must use https"),
        ("example.com", ["https://example.org"], "not on RP_ID"),
        ("example.com", ["https://badexample.com"], "not on RP_ID"),
    ],
)
def test_relying_parties_browsers_refuse(rp_id, origins, complaint):
    [error] = relying_party_errors(rp_id, origins)
    assert complaint in error


def test_a_bad_relying_party_fails_the_system_check(settings):
    settings.PASSKEYS = {**settings.PASSKEYS, "RP_ID": "example.org"}
    errors = [error for error in run_checks() if error.id == "passkeys.E001"]
    assert len(errors) == 1 and "https://app.example.test" in errors[0].msg
