"""The per-request session query (authentication.access.load_live_session), written in SQL for speed,
must answer exactly what the ORM would: the same user, the same session end, and no session
for claims that do not name a live one. Runs on SQLite and on PostgreSQL (DATABASE_URL)."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed

from authentication import token_service
from authentication.access import load_live_session
from authentication.models import Session
from authentication.tokens import AccessToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(user):
    return AccessToken(token_service.start_session(user).access).payload


def field_values(user) -> dict:
    return {field.attname: getattr(user, field.attname) for field in type(user)._meta.concrete_fields}


def test_loads_the_user_and_session_end_as_the_orm_does(claims, django_user_model):
    session = load_live_session(claims)
    user, expires_at = session.user, session.absolute_expires_at
    expected = django_user_model.objects.get(pk=claims["user_id"])
    assert field_values(user) == field_values(expected)
    assert user._state.adding is False and user._state.db == expected._state.db
    assert expires_at == Session.objects.get(pk=claims["sid"]).absolute_expires_at


def test_a_loaded_user_saves_like_one_from_the_orm(claims, django_user_model):
    user = load_live_session(claims).user
    user.first_name = "Alice"
    user.save()
    assert django_user_model.objects.get(pk=user.pk).first_name == "Alice"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda claims, other: {"user_id": other.pk}, id="another user's id"),
        pytest.param(lambda claims, other: {"sid": str(uuid.uuid4())}, id="unknown session"),
        pytest.param(lambda claims, other: {"sid": "not-a-uuid"}, id="malformed session id"),
        pytest.param(lambda claims, other: {"sid": None}, id="no session id"),
        pytest.param(lambda claims, other: {"user_id": "1 OR 1=1"}, id="malformed user id"),
    ],
)
def test_claims_naming_no_session_of_theirs_are_rejected(claims, other_user, change):
    with pytest.raises(AuthenticationFailed) as raised:
        load_live_session({**claims, **change(claims, other_user)})
    assert raised.value.get_codes() == "session_revoked"


@pytest.mark.parametrize(
    "end",
    [
        pytest.param({"revoked_at": timezone.now()}, id="revoked"),
        pytest.param({"absolute_expires_at": timezone.now() - timedelta(seconds=1)}, id="past its absolute end"),
    ],
)
def test_sessions_that_ended_are_rejected(claims, end):
    Session.objects.filter(pk=claims["sid"]).update(**end)
    with pytest.raises(AuthenticationFailed):
        load_live_session(claims)


def test_an_inactive_account_has_no_live_session(claims, user):
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    with pytest.raises(AuthenticationFailed):
        load_live_session(claims)
