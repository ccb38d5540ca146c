"""Sessions and their tokens: start, rotate, renew, revoke. Every token is issued here.

A login starts a session. Each refresh rotates the presented refresh token under a
row lock: the first request records its successor; requests repeating the same token within
the grace window get that same successor; any later reuse revokes the whole session
(RFC 9700 4.14.2, ASVS 5.0 10.4.5 and 15.4.2).
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import TokenError

from .bindings import verify_bindings
from .conf import auth_settings
from .devices import USER_AGENT_MAX_LENGTH, device_label
from .exceptions import RefreshRejected, SessionRevoked
from .models import IssuedRefreshToken, Session
from .request_context import RequestContext, context_of
from .security_log import security_event
from .tokens import AccessToken, RefreshToken, binding_claims_of

# Sent with ``session_ids`` whenever sessions are revoked, so caches can forget them at once.
sessions_revoked = Signal()

# How far a late duplicate may follow a chain of successors before giving up.
MAX_SUCCESSOR_CHAIN = 16


@dataclass(frozen=True)
class IssuedTokens:
    access: str
    refresh: str
    refresh_expires_at: datetime
    user: object
    session_id: uuid.UUID


def _timestamp(moment: datetime) -> int:
    return int(moment.timestamp())


def _new_jti() -> str:
    return uuid.uuid4().hex


def mint_access_token(user_id, session_id, binding_claims: dict, auth_time: int | None, methods=()) -> str:
    token = AccessToken()
    token["user_id"] = user_id
    token["sid"] = str(session_id)
    if auth_time is not None:
        token["auth_time"] = auth_time  # when the password was last presented (OpenID Connect Core 2)
    if methods:
        token["amr"] = list(methods)  # how the user authenticated (RFC 8176)
    token.payload.update(binding_claims)
    return str(token)


def _mint_refresh_token(record: IssuedRefreshToken, session: Session, binding_claims: dict) -> str:
    token = RefreshToken()
    token.payload.update(binding_claims)
    token["jti"] = record.jti
    token["iat"] = _timestamp(record.issued_at)
    token["exp"] = _timestamp(record.expires_at)
    token["user_id"] = session.user_id
    token["sid"] = str(session.id)
    return str(token)


def _auth_time(session: Session) -> int | None:
    return _timestamp(session.authenticated_at) if session.authenticated_at else None


def _issue(session: Session, record: IssuedRefreshToken, binding_claims: dict) -> IssuedTokens:
    return IssuedTokens(
        access=mint_access_token(
            session.user_id, session.id, binding_claims, _auth_time(session), session.authentication_methods
        ),
        refresh=_mint_refresh_token(record, session, binding_claims),
        refresh_expires_at=record.expires_at,
        user=session.user,
        session_id=session.id,
    )


def _next_refresh_record(session: Session, now: datetime) -> IssuedRefreshToken:
    # Sliding expiry, capped by the session's absolute lifetime (ASVS 5.0 10.4.8).
    expires_at = min(now + auth_settings.REFRESH_TOKEN_LIFETIME, session.absolute_expires_at)
    return IssuedRefreshToken.objects.create(jti=_new_jti(), session=session, issued_at=now, expires_at=expires_at)


def _device_fields(context: RequestContext | None) -> dict:
    if context is None:
        return {}
    user_agent = context.request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX_LENGTH]
    return {
        "user_agent": user_agent,
        "device": device_label(user_agent),
        "client_address": context.client_address,
        "last_address": context.client_address,
    }


def start_session(
    user,
    binding_claims: dict | None = None,
    context: RequestContext | None = None,
    methods: tuple[str, ...] = ("pwd",),
) -> IssuedTokens:
    """Begin a new session for ``user``, who has just authenticated with ``methods`` (a sign-in, or
    a password change) from the client of ``context``."""
    now = timezone.now()
    with transaction.atomic():
        session = Session.objects.create(
            user=user,
            created_at=now,
            absolute_expires_at=now + auth_settings.SESSION_ABSOLUTE_LIFETIME,
            authenticated_at=now,
            authentication_methods=list(methods),
            last_used_at=now,
            **_device_fields(context),
        )
        record = _next_refresh_record(session, now)
    return _issue(session, record, binding_claims or {})


def reauthenticate(session_id, user, binding_claims: dict) -> str:
    """Record that the password was presented again in this session; a new access token says so."""
    now = timezone.now()
    live = Session.objects.filter(pk=session_id, user=user, revoked_at__isnull=True)
    if not live.update(authenticated_at=now):
        raise SessionRevoked()
    methods = live.values_list("authentication_methods", flat=True).first() or []
    return mint_access_token(user.pk, session_id, binding_claims, _timestamp(now), methods)


def read_refresh_token(raw: str) -> RefreshToken:
    try:
        return RefreshToken(raw)
    except TokenError as error:
        raise RefreshRejected() from error


def rotate_refresh_token(raw: str, request) -> IssuedTokens:
    """Exchange a refresh token for its successor and a new access token."""
    token = read_refresh_token(raw)
    context = context_of(request)
    try:
        verify_bindings(context, token.payload)
    except AuthenticationFailed as error:
        raise RefreshRejected(error.detail, code=error.get_codes()) from error
    now = timezone.now()
    with transaction.atomic():
        record = (
            IssuedRefreshToken.objects.select_for_update(of=("self",))
            .select_related("session", "session__user")
            .filter(jti=token["jti"], session_id=token.get("sid"))
            .first()
        )
        if record is None:
            raise RefreshRejected()
        session = record.session
        if session.is_revoked or not session.user.is_active:
            raise SessionRevoked()
        reused = False
        if record.rotated_at is None:
            successor = _next_refresh_record(session, now)
            record.rotated_at = now
            record.successor = successor
            record.save(update_fields=["rotated_at", "successor"])
            session.last_used_at, session.last_address = now, context.client_address
            session.save(update_fields=["last_used_at", "last_address"])
        elif now - record.rotated_at <= auth_settings.REFRESH_GRACE_PERIOD:
            # A second tab or a retry: hand out the same live successor, keep the session (not a fork).
            # The window counts from the first rotation and does not slide.
            successor = _live_successor(record)
        else:
            successor = None
            reused = True
            _revoke_sessions(Session.objects.filter(pk=session.pk), "reuse_detected", now)
    if reused:
        security_event("refresh_reuse_detected", request, user_id=session.user_id, session=str(session.id))
        raise SessionRevoked()
    if successor is None:
        raise RefreshRejected()
    security_event("refresh_rotated", request, user_id=session.user_id, session=str(session.id))
    return _issue(session, successor, binding_claims_of(token.payload))


def _live_successor(record: IssuedRefreshToken) -> IssuedRefreshToken | None:
    successor = record.successor
    for _ in range(MAX_SUCCESSOR_CHAIN):
        if successor is None or successor.rotated_at is None:
            return successor
        successor = successor.successor
    return None


def renew_access_token(claims) -> str:
    """A fresh access token for a session already validated in this request (silent refresh)."""
    return mint_access_token(claims["user_id"], claims["sid"], binding_claims_of(claims), claims.get("auth_time"))


def end_session(raw: str, request) -> None:
    """Logout: revoke the session of this refresh token. Unknown or dead tokens are already ended."""
    try:
        token = RefreshToken(raw)
    except TokenError:
        return
    session = Session.objects.filter(pk=token.get("sid"), user_id=token.get("user_id"))
    if revoke_sessions(session, "logout"):
        security_event("logout", request, user_id=token.get("user_id"), session=token.get("sid"))


def revoke_sessions(sessions, reason: str) -> int:
    """Revoke the live sessions in the ``sessions`` queryset; return how many were live."""
    with transaction.atomic():
        return _revoke_sessions(sessions, reason, timezone.now())


def revoke_user_sessions(user, reason: str) -> int:
    count = revoke_sessions(Session.objects.filter(user=user), reason)
    if count:
        security_event("sessions_revoked", user_id=user.pk, reason=reason, count=count)
    return count


def _revoke_sessions(sessions, reason: str, now: datetime) -> int:
    live = sessions.filter(revoked_at__isnull=True)
    session_ids = list(live.values_list("id", flat=True))
    if session_ids:
        Session.objects.filter(id__in=session_ids).update(revoked_at=now, revoke_reason=reason)
        transaction.on_commit(lambda: sessions_revoked.send(sender=Session, session_ids=session_ids))
    return len(session_ids)
