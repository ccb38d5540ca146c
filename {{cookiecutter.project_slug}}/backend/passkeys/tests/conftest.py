import pytest

from authentication.testing import PASSWORD, bearer
from passkeys.testing import REGISTER_OPTIONS_URL, REGISTER_URL, SoftAuthenticator


@pytest.fixture
def authenticator() -> SoftAuthenticator:
    return SoftAuthenticator()


@pytest.fixture
def register(api, authenticator):
    """Add a passkey through the API for the holder of ``access``; return the response."""

    def _register(access: str, name="Phone", device: SoftAuthenticator | None = None):
        device = device or authenticator
        options = api.post(REGISTER_OPTIONS_URL, {"current_password": PASSWORD}, format="json", **bearer(access))
        assert options.status_code == 200, options.content
        credential = device.create(options.json()["options"])
        return api.post(REGISTER_URL, {"credential": credential, "name": name}, format="json", **bearer(access))

    return _register


@pytest.fixture
def passkey(access, register) -> dict:
    """A passkey of alice's, registered through the API (``authenticator`` holds its key)."""
    response = register(access)
    assert response.status_code == 201, response.content
    return response.json()
