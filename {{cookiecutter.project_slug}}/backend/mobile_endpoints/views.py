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
from authentication.serializers import LoginSerializer
from authentication.throttles import LoginAddressThrottle, LoginUsernameThrottle
from authentication.views import ERRORS, authenticate_credentials, sign_in
from config.api import ApiView, StringField


class MobileRefreshSerializer(serializers.Serializer):
    refresh = StringField(max_length=8192, trim_whitespace=False)


class MobileTokensSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    user = UserSerializer()

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

    @extend_schema(request=LoginSerializer, responses={200: MobileTokensSerializer, **ERRORS})
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tokens = sign_in(request, authenticate_credentials(request, serializer.validated_data))
        return tokens_response(tokens, client_values(context_of(request)))


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
