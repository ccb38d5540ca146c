"""The token cache with fingerprinting: a cached token still needs its client's fingerprint."""

import pytest
from rest_framework.test import APIClient

from authentication.testing import BROWSER_HEADERS, bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached_access(api, login, django_assert_num_queries):
    """An access token of ``api``'s session that the cache is already serving."""
    access = login().json()["access"]
    assert api.get("/api/me/", **bearer(access)).status_code == 200
    with django_assert_num_queries(0):
        assert api.get("/api/me/", **bearer(access)).status_code == 200
    return access


def test_a_cached_token_still_needs_its_fingerprint(cached_access):
    response = APIClient(**BROWSER_HEADERS).get("/api/me/", **bearer(cached_access))

    assert response.status_code == 401
    assert response.json()["code"] == "fingerprint_mismatch"
