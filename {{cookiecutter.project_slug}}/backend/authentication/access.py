"""Bearer access tokens on every API request, checked top-down in ``AccessTokenAuthentication``.

A token is accepted only if its signature verifies and its session is live: the session query
loads the user through the token's session (``sid``), so logout, reuse detection, password
change, deactivation and deletion reject access tokens at once (ASVS 5.0 7.4.1, 7.4.2), at the
cost simplejwt already pays to load the user. An access-token store (an optional app may
install one) may answer for tokens it has seen validated.
"""

import functools
import time
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError

from . import tamper
from .bindings import verify_bindings
from .conf import auth_settings
from .features import access_token_store
from .models import Session
from .request_context import read_request_state
from .tokens import AccessToken

AUTH_SCHEME = b"Bearer"


def validate_access_token(raw) -> dict:
    """Signature, ``kid``, algorithm, type and expiry; return the claims.

    401 ``token_expired`` for a token that is only expired, ``token_invalid`` for anything else.
    """
    try:
        return AccessToken(raw).payload
    except ExpiredTokenError as error:
        raise AuthenticationFailed("Access token has expired.", code="token_expired") from error
    except TokenError as error:
        raise AuthenticationFailed("Access token is invalid.", code="token_invalid") from error


@dataclass(frozen=True)
class LiveSession:
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


def load_live_session(claims: dict) -> LiveSession:
    """The token's user and its session's end, if the session is live and the account active.

    One query per request, so logout and every other revocation take effect at once (ASVS 5.0 7.4.1).
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


def bearer_token(request) -> str | None:
    """The token of ``Authorization: Bearer <token>``; None without one; 401 for a malformed header."""
    header = request.META.get("HTTP_AUTHORIZATION")
    if header is None:
        return None
    try:
        parts = header.encode("iso-8859-1").split()
    except UnicodeEncodeError as error:
        raise AuthenticationFailed("Authorization header is malformed.", code="bad_authorization_header") from error
    if not parts or parts[0] != AUTH_SCHEME:
        return None
    if len(parts) != 2:
        raise AuthenticationFailed("Authorization header must be 'Bearer <token>'.", code="bad_authorization_header")
    try:
        return parts[1].decode("ascii")
    except UnicodeDecodeError as error:
        raise AuthenticationFailed("Access token is invalid.", code="token_invalid") from error


class AccessTokenAuthentication(BaseAuthentication):
    """DRF authentication for ``Authorization: Bearer <access token>``, in this order:

    1. the token from the header (none: an anonymous request);
    2. one round trip to the shared cache: the caller's tamper counter, the user's throttle
       history, and the access-token store's entry when one is installed;
    3. an address blocked for sending invalid tokens gets 429;
    4. the identity from the store, or else the verified token (an invalid one counts against
       the caller's address) and its live session, which the store is then given;
    5. the client bindings (which optional apps may install) must match, and a token close to its
       expiry is marked for renewal in the response.
    """

    www_authenticate_realm = "api"

    def authenticate(self, request):
        raw_token = bearer_token(request)
        if raw_token is None:
            return None
        store = access_token_store()
        state = read_request_state(request, raw_token, store)
        tamper.reject_if_over_threshold(state.context, state.tamper_count)
        if state.stored_identity is not None:
            user, claims = state.stored_identity
        else:
            try:
                claims = validate_access_token(raw_token)
            except AuthenticationFailed as failure:
                if failure.get_codes() == "token_invalid":  # expired is not tampering
                    tamper.record_invalid_token(state.context, reason=str(failure.__cause__))
                raise
            session = load_live_session(claims)
            user = session.user
            if store is not None:
                store.remember(raw_token, session, claims)
        verify_bindings(state.context, claims)
        if claims["exp"] - time.time() < auth_settings.SILENT_REFRESH_THRESHOLD.total_seconds():
            state.context.renew_claims = claims  # the response carries a fresh one (silent_refresh)
        return user, claims

    def authenticate_header(self, request) -> str:
        return f'Bearer realm="{self.www_authenticate_realm}"'
