"""Bearer access tokens on every API request: one signature check and one indexed query.

The query loads the user through the token's session (``sid``), so logout, reuse
detection, password change, deactivation and deletion reject access tokens at once
(ASVS 5 7.4.1, 7.4.2) at the cost simplejwt already pays to load the user.
"""

import functools
import uuid
from datetime import datetime
from typing import NamedTuple

import jwt
from django.contrib.auth import get_user_model
from django.db import connections, router
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError

from . import request_cache, tamper
from .bindings import verify_bindings
from .client_address import client_address
from .models import Session
from .silent_refresh import mark_for_silent_refresh
from .throttles import UserRateThrottle
from .tokens import MAX_TOKEN_LENGTH, AccessToken


def validate_access_token(raw, request=None) -> dict:
    """Signature, ``kid``, algorithm, type and expiry; return the claims.

    An expired token is only expired; anything else that fails is counted as tampering
    against the caller's address when a request is given.
    """
    try:
        return AccessToken(raw).payload
    except ExpiredTokenError as error:
        raise AuthenticationFailed("Access token has expired.", code="token_expired") from error
    except TokenError as error:
        if request is not None:
            tamper.record_invalid_token(request, reason=str(error))
        raise AuthenticationFailed("Access token is invalid.", code="token_invalid") from error


class LiveSession(NamedTuple):
    user: object
    absolute_expires_at: datetime


@functools.cache
def _live_session_sql(alias: str) -> str:
    """The session query, written once from the models' tables and columns.

    Built and compiled by the ORM on every request, this same query cost more than running it:
    about a quarter of the CPU time of an authenticated request that is checked in the database.
    """
    quote = connections[alias].ops.quote_name
    users, sessions = get_user_model()._meta, Session._meta
    user_columns = ", ".join(f"u.{quote(field.column)}" for field in users.concrete_fields)
    session = {
        name: f"s.{quote(sessions.get_field(name).column)}"
        for name in ("id", "user", "revoked_at", "absolute_expires_at")
    }
    # Only table and column names from the models are interpolated; every value is a parameter.
    return (
        f"SELECT {user_columns}, {session['absolute_expires_at']} "  # noqa: S608
        f"FROM {quote(sessions.db_table)} s "
        f"JOIN {quote(users.db_table)} u ON u.{quote(users.pk.column)} = {session['user']} "
        f"WHERE {session['id']} = %s AND {session['user']} = %s AND {session['revoked_at']} IS NULL "
        f"AND {session['absolute_expires_at']} > %s AND u.{quote(users.get_field('is_active').column)} = %s"
    )


def _from_db(field, value, connection):
    """A column value as the ORM would hand it over (SQLite, for one, returns datetimes as text)."""
    column = field.get_col(field.model._meta.db_table)
    for converter in connection.ops.get_db_converters(column) + field.get_db_converters(connection):
        value = converter(value, column, connection)
    return value


def load_session(claims: dict) -> LiveSession:
    """The token's user and its session's end, if the session is live and the account active.

    One query per request, so logout and every other revocation take effect at once (ASVS 5 7.4.1).
    """
    user_model = get_user_model()
    alias = router.db_for_read(Session)
    connection = connections[alias]
    try:
        params = [
            Session._meta.pk.get_db_prep_value(uuid.UUID(str(claims.get("sid"))), connection),
            user_model._meta.pk.get_db_prep_value(claims.get("user_id"), connection),
            connection.ops.adapt_datetimefield_value(timezone.now()),
            True,
        ]
    except (TypeError, ValueError):  # claims of a token we signed are never malformed; be safe anyway
        row = None
    else:
        with connection.cursor() as cursor:
            cursor.execute(_live_session_sql(alias), params)
            row = cursor.fetchone()
    if row is None:
        raise AuthenticationFailed("This session has ended. Sign in again.", code="session_revoked")
    fields = user_model._meta.concrete_fields
    values = [_from_db(field, value, connection) for field, value in zip(fields, row, strict=False)]
    user = user_model.from_db(alias, [field.attname for field in fields], values)
    return LiveSession(user, _from_db(Session._meta.get_field("absolute_expires_at"), row[-1], connection))


def load_session_user(claims: dict):
    """The token's user, if its session is live and the account active."""
    return load_session(claims).user


def unverified_claims(raw_token) -> dict:
    """The token's claims WITHOUT verification: only to choose which cache keys to read early."""
    if len(raw_token) > MAX_TOKEN_LENGTH:
        return {}
    try:
        payload = jwt.decode(raw_token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return {}
    return payload if isinstance(payload, dict) else {}


def caller_cache_keys(request, claims: dict) -> list[str]:
    """The caller's tamper counter first, then the user throttle history of the token's user.

    The user comes from unverified claims, so the history is only a guess at the key: the
    throttle uses it only if it names the user the token turns out to authenticate.
    """
    keys = [tamper.counter_key(client_address(request))]
    user_id = claims.get("user_id")
    if isinstance(user_id, int) and not isinstance(user_id, bool):
        keys.append(UserRateThrottle.key_for_user(user_id))
    return keys


class AccessTokenAuthentication(JWTAuthentication):
    """DRF authentication for ``Authorization: Bearer <access token>``."""

    def get_header(self, request):
        header = request.META.get("HTTP_AUTHORIZATION")
        if header is None:
            return None
        try:
            return header.encode("iso-8859-1")
        except UnicodeEncodeError as error:
            raise AuthenticationFailed("Authorization header is malformed.", code="bad_authorization_header") from error

    def authenticate(self, request):
        header = self.get_header(request)
        if header is None:
            return None
        raw_token = self.get_raw_token(header)
        if raw_token is None:
            return None
        user, claims = self.authenticate_token(raw_token, request)
        verify_bindings(request, claims)
        mark_for_silent_refresh(request, claims)
        return user, claims

    def authenticate_token(self, raw_token, request) -> tuple:
        """Refuse a blocked address, validate the token and load its user; a subclass may ask a cache first."""
        keys = caller_cache_keys(request, unverified_claims(raw_token))
        try:
            found = request_cache.read_many(request, keys)
        except Exception as error:  # a cache outage must not turn every authenticated request into a 500
            tamper.counter_unavailable(error)
            found = {}
        return self.authenticate_in_database(raw_token, request, found.get(keys[0], 0))

    def authenticate_in_database(self, raw_token, request, tamper_count: int) -> tuple:
        """With the caller's tamper count already read: refuse a blocked address, validate, load the session."""
        tamper.reject_if_over_threshold(request, tamper_count)
        claims = validate_access_token(raw_token, request)
        return load_session_user(claims), claims
