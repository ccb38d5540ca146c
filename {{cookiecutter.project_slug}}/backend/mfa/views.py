"""The MFA endpoints under /api/auth/mfa/.

The second step of a web sign-in (``verify/``, and ``enroll/`` when an authenticator must be set
up first) reads the challenge from its HttpOnly cookie; the signed-in endpoints manage the
user's own authenticator and recovery codes. Setting up, turning off and new recovery codes need
re-authentication (authentication.reauth).
"""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from authentication import token_service
from authentication.csrf import TrustedOriginRequired
from authentication.reauth import ReauthenticatedView
from authentication.security_log import security_event
from authentication.serializers import CurrentPasswordSerializer
from authentication.session_views import EndedSerializer, live_sessions
from authentication.throttles import ReauthenticationThrottle, UserRateThrottle
from authentication.views import sign_in, tokens_response
from config.api import ApiView, never_cached
from config.errors import error_responses

from . import challenges, flow, recovery, totp
from .serializers import (
    CodeSerializer,
    RecoveryCodesSerializer,
    SetupSerializer,
    SignedInSerializer,
    StatusSerializer,
)
from .throttles import MfaAccountThrottle, MfaAddressThrottle

ERRORS = error_responses(400, 401, 403, 409, 413, 415, 429, 503)


class Conflict(APIException):
    status_code = 409
    default_code = "conflict"


def setup_response(setup: totp.Setup) -> Response:
    return never_cached(
        Response({"secret": setup.secret, "otpauth_uri": setup.otpauth_uri, "qr_code_svg": setup.qr_code_svg})
    )


class SecondStepView(ApiView):
    """A step of a web sign-in after the password: the challenge comes in its cookie."""

    authentication_classes = []
    permission_classes = [TrustedOriginRequired]
    throttle_classes = [MfaAddressThrottle, MfaAccountThrottle]

    def challenge_token(self, request) -> str | None:
        return challenges.read_cookie(request)

    def challenge(self, request):
        """The live challenge this request presents, or None (looked up once per request)."""
        if not hasattr(request, "_mfa_challenge"):
            request._mfa_challenge = challenges.live(self.challenge_token(request))
        return request._mfa_challenge

    def live_challenge(self, request):
        challenge = self.challenge(request)
        if challenge is None:
            raise challenges.ChallengeInvalid()
        return challenge


class VerifyView(SecondStepView):
    @extend_schema(
        request=CodeSerializer,
        responses={200: SignedInSerializer, **ERRORS},
        summary="Finish signing in with a code",
        description="The answer is the login's: the access token in the body, the refresh token in its "
        "cookie; after an enrollment step it also carries the new recovery codes.",
    )
    def post(self, request):
        serializer = CodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        redeemed = flow.redeem(request, self.live_challenge(request), serializer.validated_data["code"])
        response = tokens_response(request, sign_in(request, redeemed.user, redeemed.methods))
        if redeemed.recovery_codes is not None:
            response.data["recovery_codes"] = redeemed.recovery_codes
        challenges.clear_cookie(response)
        return response


class EnrollView(SecondStepView):
    @extend_schema(
        request=None, responses={200: SetupSerializer, **ERRORS}, summary="Set up an authenticator to sign in"
    )
    def post(self, request):
        return setup_response(flow.begin_enrollment(request, self.live_challenge(request)))


# --- Signed in: the user's own second factor -----------------------------------------------


class StatusView(ApiView):
    @extend_schema(responses={200: StatusSerializer, **ERRORS}, summary="My second factors")
    def get(self, request):
        user = request.user
        return Response(
            {
                "totp": totp.is_enabled(user),
                "recovery_codes_left": recovery.remaining(user),
                "required": flow.is_required_for(user),
            }
        )


class TotpSetupView(ReauthenticatedView):
    @extend_schema(
        request=CurrentPasswordSerializer,
        responses={200: SetupSerializer, **ERRORS},
        summary="Start setting up an authenticator app",
        description="Active only once a code from it is confirmed (totp/confirm/). Needs re-authentication.",
    )
    def post(self, request):
        self.reauthenticate(request)
        if totp.is_enabled(request.user):
            raise Conflict("An authenticator app is already set up: turn it off first.", code="mfa_already_enabled")
        return setup_response(totp.begin(request.user))


class TotpConfirmView(ApiView):
    throttle_classes = [UserRateThrottle, ReauthenticationThrottle]

    @extend_schema(
        request=CodeSerializer,
        responses={200: RecoveryCodesSerializer, **ERRORS},
        summary="Confirm the authenticator app with a code from it",
    )
    def post(self, request):
        serializer = CodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        device = totp.device_of(request.user, confirmed=False)
        if device is None:
            raise Conflict("Start setting up an authenticator app first (POST totp/).", code="mfa_not_started")
        if not totp.accept_code(device, serializer.validated_data["code"]):
            security_event("mfa_failed", request, user_id=request.user.pk)
            raise flow.CodeInvalid()
        with transaction.atomic():
            totp.confirm(device)
            codes = recovery.replace(request.user)
        security_event("mfa_enabled", request, user_id=request.user.pk)
        return never_cached(Response({"recovery_codes": codes}))


class TotpDisableView(ReauthenticatedView):
    @extend_schema(
        request=CurrentPasswordSerializer,
        responses={200: EndedSerializer, **ERRORS},
        summary="Turn off the authenticator app",
        description="Also deletes the recovery codes and ends every other session. Needs re-authentication.",
    )
    def post(self, request):
        self.reauthenticate(request)
        user = request.user
        if flow.is_required_for(user):
            raise Conflict("This account must use a second factor.", code="mfa_required_by_policy")
        if not totp.is_enabled(user):
            raise Conflict("No authenticator app is set up.", code="mfa_not_enabled")
        with transaction.atomic():
            user.totp_device.delete()
            recovery.discard(user)
        ended = token_service.revoke_sessions(live_sessions(user).exclude(pk=request.auth.get("sid")), "mfa_disabled")
        security_event("mfa_disabled", request, user_id=user.pk, sessions_ended=ended)
        return Response({"ended": ended})


class RecoveryCodesView(ReauthenticatedView):
    @extend_schema(
        request=CurrentPasswordSerializer,
        responses={200: RecoveryCodesSerializer, **ERRORS},
        summary="New recovery codes",
        description="Every earlier code stops working. Needs re-authentication.",
    )
    def post(self, request):
        self.reauthenticate(request)
        if not totp.is_enabled(request.user):
            raise Conflict("Set up an authenticator app first.", code="mfa_not_enabled")
        codes = recovery.replace(request.user)
        security_event("recovery_codes_replaced", request, user_id=request.user.pk)
        return never_cached(Response({"recovery_codes": codes}))
