"""Mobile endpoints under /api/auth/mobile/: tokens in the JSON body, never in cookies.

Same sessions, rotation, reuse detection, throttling and revocation as the web flow; only the
transport differs. A native app keeps the refresh token in the platform's secure storage.
No cookie is read, so no CSRF defence is needed here. Every token response is ``no-store``.
"""

from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.serializers import UserSerializer
from authentication import token_service
from authentication.bindings import client_values, response_fields
from authentication.request_context import context_of
from authentication.serializers import LoginSerializer, SignInStepSerializer
from authentication.throttles import LoginAddressThrottle, LoginUsernameThrottle
from authentication.views import ERRORS, authenticate_credentials, sign_in
from config.api import ApiView, StringField
from mfa import flow
from mfa.serializers import CodeSerializer, SetupSerializer
from mfa.views import ERRORS as MFA_ERRORS
from mfa.views import SecondStepView, setup_response


class MobileRefreshSerializer(serializers.Serializer):
    refresh = StringField(max_length=8192, trim_whitespace=False)


class MobileChallengeSerializer(SignInStepSerializer):
    challenge = serializers.CharField(help_text="Send it back with the code; it opens nothing else.")


class MobileCodeSerializer(CodeSerializer):
    challenge = StringField(max_length=128, trim_whitespace=False)


class MobileChallengeOnlySerializer(serializers.Serializer):
    challenge = StringField(max_length=128, trim_whitespace=False)


class MobileTokensSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    user = UserSerializer()
    recovery_codes = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="After an MFA enrollment step only: shown once."
    )

    def get_fields(self) -> dict:
        # What client bindings (installed by optional apps) give an app at sign-in in place of a cookie.
        return {**super().get_fields(), **response_fields()}


def tokens_response(tokens: token_service.IssuedTokens, extra: dict | None = None) -> Response:
    body = {"access": tokens.access, "refresh": tokens.refresh, "user": UserSerializer(tokens.user).data}
    response = Response({**body, **(extra or {})})
    add_never_cache_headers(response)
    return response


class MobileLoginView(ApiView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginAddressThrottle, LoginUsernameThrottle]

    @extend_schema(
        request=LoginSerializer,
        responses={200: MobileTokensSerializer, 202: MobileChallengeSerializer, **ERRORS},
        description="202: the account uses a second factor; send a code with the challenge to mobile/mfa/verify/.",
    )
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate_credentials(request, serializer.validated_data)
        pending = flow.begin(request, user)
        if pending is not None:
            return flow.respond(pending, in_body=True)
        tokens = sign_in(request, user)
        return tokens_response(tokens, client_values(context_of(request)))


class MobileSecondStepView(SecondStepView):
    """A step of an app's sign-in after the password: the challenge comes in the body."""

    permission_classes = [AllowAny]

    def challenge_token(self, request) -> str | None:
        data = request.data if isinstance(request.data, dict) else {}
        return data.get("challenge")


class MobileMfaVerifyView(MobileSecondStepView):
    @extend_schema(request=MobileCodeSerializer, responses={200: MobileTokensSerializer, **MFA_ERRORS})
    def post(self, request):
        serializer = MobileCodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        redeemed = flow.redeem(request, self.live_challenge(request), serializer.validated_data["code"])
        tokens = sign_in(request, redeemed.user, redeemed.methods)
        extra = client_values(context_of(request))
        if redeemed.recovery_codes is not None:
            extra["recovery_codes"] = redeemed.recovery_codes
        return tokens_response(tokens, extra)


class MobileMfaEnrollView(MobileSecondStepView):
    @extend_schema(request=MobileChallengeOnlySerializer, responses={200: SetupSerializer, **MFA_ERRORS})
    def post(self, request):
        serializer = MobileChallengeOnlySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return setup_response(flow.begin_enrollment(request, self.live_challenge(request)))


class MobileRefreshView(ApiView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=MobileRefreshSerializer, responses={200: MobileTokensSerializer, **ERRORS})
    def post(self, request):
        serializer = MobileRefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tokens = token_service.rotate_refresh_token(serializer.validated_data["refresh"], request)
        return tokens_response(tokens)


class MobileLogoutView(ApiView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=MobileRefreshSerializer, responses={204: None, **ERRORS})
    def post(self, request):
        serializer = MobileRefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token_service.end_session(serializer.validated_data["refresh"], request)
        return Response(status=status.HTTP_204_NO_CONTENT)
