"""The passkey endpoints under /api/auth/passkeys/.

A sign-in is two requests with no account named: ``sign-in/options/`` makes a challenge, and
``sign-in/`` takes the authenticator's answer and starts the session, as the login does (the
access token in the body, the refresh token in its cookie). A signed-in user lists, names and
removes their passkeys; adding or removing one needs re-authentication (authentication.reauth).
"""

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from authentication import token_service
from authentication.csrf import TrustedOriginRequired
from authentication.reauth import ReauthenticatedView
from authentication.security_log import security_event
from authentication.serializers import AccessResponseSerializer, CurrentPasswordSerializer
from authentication.session_views import EndedSerializer, live_sessions
from authentication.throttles import UserRateThrottle
from authentication.views import admit, sign_in, tokens_response
from config.api import ApiView, never_cached
from config.errors import error_responses

from . import credentials
from .conf import passkey_settings
from .models import Passkey
from .serializers import (
    CredentialSerializer,
    OptionsSerializer,
    PasskeySerializer,
    RegisterSerializer,
    RenameSerializer,
)
from .throttles import PasskeySignInThrottle

ERRORS = error_responses(400, 401, 403, 409, 413, 415, 429, 503)
# RFC 8176: proof of a hardware-secured key, with user verification on it (a PIN or biometric):
# two factors in one step.
PASSKEY_METHODS = ("hwk", "mfa")


class TooManyPasskeys(APIException):
    status_code = 409
    default_code = "passkey_limit"


def check_room_for_one_more(user) -> None:
    limit = passkey_settings.MAX_PER_USER
    if user.passkeys.count() >= limit:
        raise TooManyPasskeys(f"An account holds at most {limit} passkeys: remove one first.")


def never_cached_options(options: dict) -> Response:
    return never_cached(Response({"options": options}))


def own_passkey(request, passkey_id: int) -> Passkey:
    """The user's passkey of this id; another user's is as absent as one that never existed."""
    return get_object_or_404(Passkey, pk=passkey_id, user=request.user)


# --- Signing in ------------------------------------------------------------------------------


class SignInStepView(ApiView):
    """Both requests of a passkey sign-in: no account yet, a trusted origin, limited per address."""

    authentication_classes = []
    permission_classes = [TrustedOriginRequired]
    throttle_classes = [PasskeySignInThrottle]


class SignInOptionsView(SignInStepView):
    @extend_schema(request=None, responses={200: OptionsSerializer, **ERRORS}, summary="Start a passkey sign-in")
    def post(self, request):
        return never_cached_options(credentials.sign_in_options())


class SignInView(SignInStepView):
    @extend_schema(
        request=CredentialSerializer,
        responses={200: AccessResponseSerializer, **ERRORS},
        summary="Sign in with a passkey",
        description="The answer is the login's; the session counts as multi-factor (`amr`: hwk, mfa). "
        "The challenge of `sign-in/options/` is spent by the first answer, right or wrong.",
    )
    def post(self, request):
        serializer = CredentialSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            asserted = credentials.authenticate(serializer.validated_data["credential"])
        except credentials.SignInRejected:
            security_event("passkey_sign_in_failed", request)
            raise
        admit(request, asserted.user)
        return tokens_response(request, sign_in(request, asserted.user, PASSKEY_METHODS))


# --- Signed in: the user's own passkeys ------------------------------------------------------


class PasskeyListView(ApiView):
    @extend_schema(responses={200: PasskeySerializer(many=True), **ERRORS}, summary="My passkeys")
    def get(self, request):
        return Response(PasskeySerializer(request.user.passkeys.all(), many=True).data)


class RegistrationOptionsView(ReauthenticatedView):
    @extend_schema(
        request=CurrentPasswordSerializer,
        responses={200: OptionsSerializer, **ERRORS},
        summary="Start adding a passkey",
        description="Needs re-authentication. The options are for `navigator.credentials.create()`; "
        "their challenge expires with the ceremony and works once.",
    )
    def post(self, request):
        self.reauthenticate(request)
        check_room_for_one_more(request.user)
        return never_cached_options(credentials.registration_options(request.user))


class RegisterView(ApiView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        request=RegisterSerializer,
        responses={201: PasskeySerializer, **ERRORS},
        summary="Finish adding a passkey",
    )
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        check_room_for_one_more(request.user)  # several ceremonies may have been started at once
        passkey = credentials.register(request.user, data["credential"], data["name"])
        security_event("passkey_registered", request, user_id=request.user.pk, passkey=passkey.pk)
        return Response(PasskeySerializer(passkey).data, status=status.HTTP_201_CREATED)


class PasskeyDetailView(ApiView):
    @extend_schema(request=RenameSerializer, responses={200: PasskeySerializer, **ERRORS}, summary="Rename a passkey")
    def patch(self, request, passkey_id: int):
        serializer = RenameSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        passkey = own_passkey(request, passkey_id)
        passkey.name = serializer.validated_data["name"]
        passkey.save(update_fields=["name"])
        security_event("passkey_renamed", request, user_id=request.user.pk, passkey=passkey.pk)
        return Response(PasskeySerializer(passkey).data)


class RemoveView(ReauthenticatedView):
    @extend_schema(
        request=CurrentPasswordSerializer,
        responses={200: EndedSerializer, **ERRORS},
        summary="Remove a passkey",
        description="Needs re-authentication. Also ends every other session started with a passkey, "
        "since this one may be why it was removed.",
    )
    def post(self, request, passkey_id: int):
        passkey = own_passkey(request, passkey_id)
        self.reauthenticate(request)
        with transaction.atomic():
            passkey.delete()
            others = live_sessions(request.user).exclude(pk=request.auth.get("sid"))
            started_with_one = [session.pk for session in others if "hwk" in session.authentication_methods]
            ended = token_service.revoke_sessions(others.filter(pk__in=started_with_one), "passkey_removed")
        security_event("passkey_removed", request, user_id=request.user.pk, passkey=passkey_id, sessions_ended=ended)
        return Response({"ended": ended})
