"""The signed-in user's own recent security activity: /api/account/activity/."""

import functools

from django.apps import apps
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from authentication.devices import device_label
from config.api import ApiView
from config.errors import error_responses

from .conf import audit_settings
from .models import AuditEvent

# What a person reads for each event of their own; events not listed here are not shown to them.
# An optional app adds its own by declaring ``activity_descriptions`` on its AppConfig.
CORE_DESCRIPTIONS = {
    "signup": "Account created",
    "email_verified": "Email address confirmed",
    "login_succeeded": "Signed in",
    "login_failed": "Failed sign-in attempt",
    "login_refused": "Sign-in refused: email address not confirmed",
    "logout": "Signed out",
    "reauthenticated": "Password confirmed again",
    "reauthentication_failed": "Wrong password when confirming it is you",
    "password_changed": "Password changed",
    "password_reset_requested": "Password reset requested",
    "password_reset": "Password set from a reset link",
    "email_change_requested": "Email change requested",
    "email_changed": "Email address changed",
    "refresh_reuse_detected": "A session was ended: its refresh token was used twice (possible theft)",
    "sessions_revoked": "Sessions ended",
    "session_ended": "A session was ended",
    "other_sessions_ended": "All other sessions were ended",
    "mfa_enabled": "Two-step sign-in turned on",
    "mfa_disabled": "Two-step sign-in turned off",
    "mfa_reset": "Two-step sign-in reset by an administrator",
    "mfa_failed": "Wrong code at the second step of a sign-in",
    "mfa_recovery_code_used": "Signed in with a recovery code",
    "recovery_codes_replaced": "New recovery codes made",
}


@functools.cache
def descriptions() -> dict[str, str]:
    declared = [getattr(config, "activity_descriptions", {}) for config in apps.get_app_configs()]
    return {**CORE_DESCRIPTIONS, **{event: text for table in declared for event, text in table.items()}}


class ActivitySerializer(serializers.Serializer):
    event = serializers.CharField()
    description = serializers.CharField()
    at = serializers.DateTimeField()
    client_address = serializers.IPAddressField(allow_null=True)
    device = serializers.CharField()


class ActivityView(ApiView):
    @extend_schema(
        responses={200: ActivitySerializer(many=True), **error_responses(401, 429, 503)},
        summary="My recent security activity",
    )
    def get(self, request):
        events = AuditEvent.objects.filter(user=request.user, event__in=descriptions())[: audit_settings.ACTIVITY_LIMIT]
        activity = [
            {
                "event": event.event,
                "description": descriptions()[event.event],
                "at": event.at,
                "client_address": event.client_address,
                "device": device_label(event.user_agent),
            }
            for event in events
        ]
        return Response(ActivitySerializer(activity, many=True).data)
