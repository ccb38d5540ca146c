"""A user's sessions, the way their devices see them: list, end one, end all others
(ASVS 5.0 7.4.5, 7.5.2); and staff ending every session of a user.

A user sees and ends only their own sessions: another user's session id answers 404, exactly
like an id that never existed. Ending all others needs re-authentication (authentication.reauth).
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response

from config.api import ApiView, StringField
from config.errors import error_responses

from . import token_service
from .models import IssuedRefreshToken, Session
from .reauth import ReauthenticatedView, require_reauthentication
from .security_log import security_event
from .serializers import CurrentPasswordSerializer
from .silent_refresh import cancel_silent_refresh
from .throttles import ReauthenticationThrottle, UserRateThrottle
from .tokens import binding_claims_of

ERRORS = error_responses(400, 401, 403, 404, 413, 415, 429, 503)


def live_sessions(user):
    """Sessions of ``user`` that a refresh could still continue: not revoked, not past their absolute
    end, and holding an unrotated refresh token that has not expired."""
    now = timezone.now()
    refreshable = IssuedRefreshToken.objects.filter(session=OuterRef("pk"), rotated_at__isnull=True, expires_at__gt=now)
    return Session.objects.filter(user=user, revoked_at__isnull=True, absolute_expires_at__gt=now).filter(
        Exists(refreshable)
    )


class SessionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    device = serializers.CharField(help_text="Read from the User-Agent at sign-in, e.g. Firefox 133 on Windows.")
    created_at = serializers.DateTimeField(help_text="The sign-in.")
    last_used_at = serializers.DateTimeField(help_text="The last refresh (at most an access token's lifetime ago).")
    client_address = serializers.IPAddressField(allow_null=True, help_text="At sign-in, through trusted proxies.")
    last_address = serializers.IPAddressField(allow_null=True, help_text="At the last refresh.")
    current = serializers.BooleanField(help_text="The session of the access token that asked.")


class ReauthenticateSerializer(serializers.Serializer):
    password = StringField(max_length=4096, trim_whitespace=False, write_only=True)


class EndedSerializer(serializers.Serializer):
    ended = serializers.IntegerField(help_text="How many live sessions were ended.")


class ReauthenticatedSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="An access token of the same session with a fresh auth_time.")


def describe(session: Session, current_id: str) -> dict:
    return {
        "id": session.id,
        "device": session.device or "Unknown device",
        "created_at": session.created_at,
        "last_used_at": session.last_used_at or session.created_at,
        "client_address": session.client_address,
        "last_address": session.last_address or session.client_address,
        "current": str(session.id) == current_id,
    }


class SessionListView(ApiView):
    @extend_schema(responses={200: SessionSerializer(many=True), **ERRORS}, summary="My live sessions")
    def get(self, request):
        current = request.auth.get("sid", "")
        sessions = live_sessions(request.user).order_by("-last_used_at", "-created_at")
        return Response(SessionSerializer([describe(session, current) for session in sessions], many=True).data)


class SessionDetailView(ApiView):
    @extend_schema(responses={204: None, **ERRORS}, summary="End one of my sessions")
    def delete(self, request, session_id):
        sessions = live_sessions(request.user).filter(pk=session_id)
        if not token_service.revoke_sessions(sessions, "ended_by_user"):
            raise NotFound("No live session of yours has this id.")
        security_event("session_ended", request, user_id=request.user.pk, session=str(session_id))
        if str(session_id) == request.auth.get("sid"):
            cancel_silent_refresh(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EndOtherSessionsView(ReauthenticatedView):
    @extend_schema(
        request=CurrentPasswordSerializer,
        responses={200: EndedSerializer, **ERRORS},
        summary="End every session of mine but this one",
        description="Needs `current_password`, or a sign-in (or re-authentication) within the last few minutes: "
        "403 `reauthentication_required` says which.",
    )
    def post(self, request):
        self.reauthenticate(request)
        others = live_sessions(request.user).exclude(pk=request.auth.get("sid"))
        ended = token_service.revoke_sessions(others, "ended_by_user")
        security_event("other_sessions_ended", request, user_id=request.user.pk, count=ended)
        return Response({"ended": ended})


class ReauthenticateView(ApiView):
    throttle_classes = [UserRateThrottle, ReauthenticationThrottle]

    @extend_schema(
        request=ReauthenticateSerializer,
        responses={200: ReauthenticatedSerializer, **ERRORS},
        summary="Present the password again in this session",
    )
    def post(self, request):
        serializer = ReauthenticateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        require_reauthentication(request, serializer.validated_data["password"])
        access = token_service.reauthenticate(request.auth["sid"], request.user, binding_claims_of(request.auth))
        security_event("reauthenticated", request, user_id=request.user.pk, session=request.auth["sid"])
        cancel_silent_refresh(request)  # the body carries the newer token
        return Response({"access": access})


class UserSessionsEndView(ApiView):
    """Staff: end every session of a user (as the admin's action does)."""

    permission_classes = [IsAuthenticated, IsAdminUser]

    @extend_schema(request=None, responses={200: EndedSerializer, **ERRORS}, summary="End every session of a user")
    def post(self, request, user_id: int):
        user = get_object_or_404(get_user_model(), pk=user_id)
        ended = token_service.revoke_sessions(Session.objects.filter(user=user), "admin_revoked")
        by = request.user.pk
        security_event("sessions_revoked", request, user_id=user.pk, reason="admin_revoked", count=ended, by_user_id=by)
        return Response({"ended": ended})
