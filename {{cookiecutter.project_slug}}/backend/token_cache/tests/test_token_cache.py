"""The token cache: repeat requests skip the database, yet revocation wins at once and an outage is harmless.

Redis when REDIS_URL is set, the local-memory cache otherwise. Revocation is announced to the
cache after the database commits, so the revocation tests commit for real.
"""

import logging
import time
from datetime import timedelta

import jwt
import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from authentication.conf import auth_settings
from authentication.testing import BROWSER_HEADERS, PASSWORD, bearer
from config.tests.settings_probe import evaluate
from token_cache import store
from token_cache.models import UnmarkedRevocation

pytestmark = pytest.mark.django_db

ME = "/api/me/"
# Nothing listens on port 1: every cache call fails the way it does when Redis is down.
UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "config.cache.SharedCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
}


def browser() -> APIClient:
    return APIClient(**BROWSER_HEADERS)


def me(client: APIClient, access: str):
    return client.get(ME, **bearer(access))


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def with_changed_signature(token: str) -> str:
    header, payload, signature = token.split(".")
    middle = len(signature) // 2
    replacement = "A" if signature[middle] != "A" else "B"
    return f"{header}.{payload}.{signature[:middle]}{replacement}{signature[middle + 1 :]}"


def cache_expiry(key: str) -> float:
    """When the cache will drop ``key``, as a Unix time."""
    if hasattr(cache, "ttl"):  # django-redis
        return time.time() + cache.ttl(key)
    return cache._expire_info[cache.make_key(key)]  # local memory keeps expiry times here


@pytest.fixture
def cached_access(api, login, django_assert_num_queries):
    """An access token of ``api``'s session that the cache is already serving."""
    access = login().json()["access"]
    assert me(api, access).status_code == 200
    with django_assert_num_queries(0):
        assert me(api, access).status_code == 200
    return access


def test_second_request_with_the_same_token_makes_no_database_query(api, login, user, django_assert_num_queries):
    access = login().json()["access"]
    assert me(api, access).status_code == 200

    with django_assert_num_queries(0):
        response = me(api, access)

    assert response.status_code == 200
    assert response.json() == {"id": user.id, "username": "alice", "email": "alice@example.com", "email_verified": True}


def test_cached_tokens_are_never_mixed_up_between_users(login, user, other_user, django_assert_num_queries):
    alice, bob = browser(), browser()
    alice_access = login(client=alice).json()["access"]
    bob_access = login(username="bob", client=bob).json()["access"]
    me(alice, alice_access)
    me(bob, bob_access)

    with django_assert_num_queries(0):
        as_alice = me(alice, alice_access)
        as_bob = me(bob, bob_access)

    assert as_alice.json()["username"] == "alice"
    assert as_bob.json()["username"] == "bob"


def test_token_with_a_changed_signature_is_not_served_from_cache(api, cached_access):
    response = me(api, with_changed_signature(cached_access))

    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"


def test_cache_entry_never_outlives_the_token(cached_access):
    expires_at = claims(cached_access)["exp"]

    cached_until = cache_expiry(store.entry_key(cached_access))

    assert time.time() < cached_until <= expires_at + 1  # Redis reports whole seconds


def test_silent_refresh_still_works_for_a_cached_token(api, cached_access, auth):
    auth.SILENT_REFRESH_THRESHOLD = timedelta(days=1)

    response = me(api, cached_access)

    assert response.status_code == 200
    renewed = response["X-New-Access-Token"]
    assert claims(renewed)["sid"] == claims(cached_access)["sid"]
    assert me(api, renewed).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_logout_rejects_a_cached_token_at_once(api, cached_access):
    assert api.post("/api/auth/logout/").status_code == 204

    response = me(api, cached_access)

    assert response.status_code == 401
    assert response.json()["code"] == "session_revoked"


@pytest.mark.django_db(transaction=True)
def test_refresh_token_reuse_rejects_a_cached_token_at_once(api, cached_access, auth):
    auth.REFRESH_GRACE_PERIOD = timedelta(0)
    rotated_out = api.cookies[auth_settings.REFRESH_COOKIE_NAME].value
    successor = api.post("/api/auth/refresh/").json()["access"]
    assert me(api, successor).status_code == 200
    api.cookies[auth_settings.REFRESH_COOKIE_NAME] = rotated_out

    assert api.post("/api/auth/refresh/").status_code == 401

    assert me(api, cached_access).status_code == 401
    assert me(api, successor).status_code == 401


@pytest.mark.django_db(transaction=True)
def test_password_change_rejects_cached_tokens_of_other_sessions_at_once(api, cached_access, login):
    elsewhere = browser()
    other_access = login(client=elsewhere).json()["access"]
    me(elsewhere, other_access)
    body = {"current_password": PASSWORD, "new_password": "a-brand-new-passphrase-42"}

    assert api.post("/api/auth/password/", body, format="json", **bearer(cached_access)).status_code == 200

    assert me(elsewhere, other_access).status_code == 401
    assert me(api, cached_access).status_code == 401


@pytest.mark.django_db(transaction=True)
def test_deactivation_rejects_a_cached_token_at_once(api, cached_access, user):
    user.is_active = False
    user.save()

    assert me(api, cached_access).status_code == 401


@pytest.mark.django_db(transaction=True)
def test_deleting_the_user_rejects_a_cached_token_at_once(api, cached_access, user):
    user.delete()

    assert me(api, cached_access).status_code == 401


def test_requests_fall_back_to_the_database_while_the_cache_is_down(api, login, user, settings, caplog):
    access = login().json()["access"]
    assert me(api, access).status_code == 200
    settings.CACHES = UNREACHABLE_REDIS

    response = me(api, access)

    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    warnings = [record for record in caplog.records if record.name == "token_cache.store"]
    assert warnings
    assert all(record.levelno == logging.WARNING for record in warnings)
    # The request's one read of the shared cache failed, and is reported once (README, "When a dependency fails").
    shared = [record for record in caplog.records if record.getMessage().startswith("shared cache unavailable")]
    assert [record.getMessage() for record in shared] == [
        "shared cache unavailable, authenticating from the database: ConnectionError"
    ]


@pytest.mark.django_db(transaction=True)  # logout's commit tries to mark the session in the cache
def test_an_outage_never_turns_into_a_server_error(api, login, user, settings, caplog):
    access = login().json()["access"]
    settings.CACHES = UNREACHABLE_REDIS

    assert me(api, with_changed_signature(access)).status_code == 401
    assert login(client=browser()).status_code == 200
    assert api.post("/api/auth/logout/").status_code == 204
    assert me(api, access).status_code == 401
    unmarked = [record for record in caplog.records if record.name == "token_cache.receivers"]
    assert [record.levelno for record in unmarked] == [logging.ERROR]


@pytest.mark.django_db(transaction=True)
def test_a_logout_the_cache_missed_still_wins_when_the_cache_comes_back(
    api, cached_access, settings, other_user, login, django_assert_num_queries
):
    """A Redis that hung (rather than restarted) comes back holding the entries of revoked sessions:
    the revocation was kept in the database, and its marker is written before any hit is trusted."""
    reachable = settings.CACHES
    settings.CACHES = UNREACHABLE_REDIS
    assert api.post("/api/auth/logout/").status_code == 204  # the marker cannot be written
    [missed] = UnmarkedRevocation.objects.all()
    settings.CACHES = reachable  # back, with the logged-out session's entry still in it
    assert cache.get(store.revoked_key(str(missed.session_id))) is None

    response = me(api, cached_access)
    assert response.status_code == 401 and response.json()["code"] == "session_revoked"
    # The next token checked in the database writes the missed marker, then hits are served again.
    other = browser()
    other_access = login(username=other_user.username, client=other).json()["access"]
    assert me(other, other_access).status_code == 200
    assert cache.get(store.revoked_key(str(missed.session_id))) is True
    assert not UnmarkedRevocation.objects.exists()
    with django_assert_num_queries(0):
        assert me(other, other_access).status_code == 200
    assert me(api, cached_access).status_code == 401


def test_local_development_without_redis_does_not_cache_tokens():
    """Revocation from another process must reach the server, which a per-process cache cannot do."""
    local = {"DJANGO_SECRET_KEY": "local-secret-for-the-token-cache-test"}
    store_in = "__import__('authentication.features').features.access_token_store().__class__.__name__"
    assert evaluate("local", {**local, "REDIS_URL": ""}, store_in) == "NoneType"
    assert evaluate("local", {**local, "REDIS_URL": "redis://127.0.0.1:6379/0"}, store_in) == "TokenCacheStore"


def test_a_change_to_a_cached_user_field_shows_at_once(api, user, cached_access):
    user.email = "alice.new@example.com"
    user.save(update_fields=["email"])

    assert me(api, cached_access).json()["email"] == "alice.new@example.com"


def test_a_sign_in_elsewhere_keeps_serving_cached_tokens(api, login, cached_access, django_assert_num_queries):
    """A sign-in writes only ``last_login``, which is not cached: other sessions keep their entries."""
    assert login(client=browser()).status_code == 200

    with django_assert_num_queries(0):
        assert me(api, cached_access).status_code == 200
