"""The auth endpoints under /api/auth/. Token work happens in token_service; these read
requests, call it, and write cookies and bodies."""

from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.conf import account_settings
from accounts.serializers import UserSerializer
from config.api import ApiView, never_cached
from config.errors import error_responses

from . import token_service
from .access import load_live_session, validate_access_token
from .bindings import bind_new_session, clear_binding_cookies, write_binding_cookies
from .cookies import clear_refresh_cookie, read_refresh_cookie, set_refresh_cookie
from .csrf import TrustedOriginRequired
from .exceptions import EmailUnverified, InvalidCredentials, RefreshRejected
from .features import sign_in_steps
from .request_context import context_of
from .security_log import security_event
from .serializers import (
    AccessResponseSerializer,
    LoginSerializer,
    PasswordChangeSerializer,
    SignInStepSerializer,
    TokenCheckResponseSerializer,
    TokenCheckSerializer,
    VerifyResponseSerializer,
)
from .silent_refresh import cancel_silent_refresh
from .throttles import LoginAddressThrottle, LoginUsernameThrottle
from .tokens import binding_claims_of

# Every auth endpoint may also answer 413 or 415 (a body too large, or not JSON) and 503 (database down).
ERRORS = error_responses(400, 401, 403, 413, 415, 429, 503)


def access_response(tokens: token_service.IssuedTokens) -> Response:
    """200 with the access token in the body; tokens must never be cached."""
    return never_cached(Response({"access": tokens.access, "user": UserSerializer(tokens.user).data}))


def tokens_response(request, tokens: token_service.IssuedTokens) -> Response:
    """A web sign-in's answer: the access token in the body, the refresh token (and any client
    binding) in cookies."""
    response = access_response(tokens)
    set_refresh_cookie(response, tokens)
    write_binding_cookies(context_of(request), response, tokens)
    return response


def admit(request, user) -> None:
    """Refuse a sign-in by someone who has proved who they are but may not sign in yet."""
    if account_settings.EMAIL_VERIFICATION == "mandatory" and not user.email_verified:
        security_event("login_refused", request, user_id=user.pk, reason="email_unverified")
        raise EmailUnverified()


def authenticate_credentials(request, data) -> object:
    """The user for these credentials, or one generic failure for every reason.

    Django's ModelBackend hashes a password for unknown users too, so timing does not tell
    a missing user from a wrong password (ASVS 5.0 6.3.8). Only the right password learns
    that the address still needs verifying. A sign-in updates ``last_login``, which also
    spends any password-reset link sent before it.
    """
    user = authenticate(request._request, username=data["username"], password=data["password"])
    if user is None:
        security_event("login_failed", request, username=data["username"][:150])
        raise InvalidCredentials()
    admit(request, user)
    return user


def sign_in(request, user, methods: tuple[str, ...] = ("pwd",)) -> token_service.IssuedTokens:
    """Start the session of a user who has just authenticated (``methods``), bound to this client."""
    context = context_of(request)
    tokens = token_service.start_session(user, bind_new_session(context), context, methods)
    user_logged_in.send(sender=type(user), request=request._request, user=user)
    security_event("login_succeeded", request, user_id=user.pk, session=str(tokens.session_id))
    return tokens


class LoginView(ApiView):
    """Sign in: access token in the body, refresh token in an HttpOnly cookie."""

    authentication_classes = []
    permission_classes = [TrustedOriginRequired]
    throttle_classes = [LoginAddressThrottle, LoginUsernameThrottle]

    @extend_schema(
        request=LoginSerializer,
        responses={200: AccessResponseSerializer, 202: SignInStepSerializer, **ERRORS},
        description="202: the account uses a second factor. No token yet: the next step is "
        "`POST /api/auth/mfa/verify/` with a code (the challenge travels in an HttpOnly cookie).",
    )
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate_credentials(request, serializer.validated_data)
        for step in sign_in_steps():  # a second factor (mfa) may hold the sign-in here
            if (pending := step.begin(request, user)) is not None:
                return step.respond(pending, in_body=False)
        tokens = sign_in(request, user)
        return tokens_response(request, tokens)


class RefreshView(ApiView):
    """Rotate the refresh cookie and return a new access token."""

    authentication_classes = []
    permission_classes = [TrustedOriginRequired]

    @extend_schema(request=None, responses={200: AccessResponseSerializer, **ERRORS})
    def post(self, request):
        raw = read_refresh_cookie(request)
        try:
            if raw is None:
                raise RefreshRejected("No refresh token. Sign in again.", code="refresh_missing")
            tokens = token_service.rotate_refresh_token(raw, request)
        except RefreshRejected as error:
            response = self.handle_exception(error)
            clear_refresh_cookie(response)
            return response
        return tokens_response(request, tokens)


class LogoutView(ApiView):
    """End the session of the refresh cookie; needs no access token and is idempotent."""

    authentication_classes = []
    permission_classes = [TrustedOriginRequired]

    @extend_schema(request=None, responses={204: None, **ERRORS})
    def post(self, request):
        raw = read_refresh_cookie(request)
        if raw is not None:
            token_service.end_session(raw, request)
        response = Response(status=status.HTTP_204_NO_CONTENT)
        clear_refresh_cookie(response)
        clear_binding_cookies(response)
        return response


class VerifyView(ApiView):
    """Whether the presented access token is valid, and whose it is."""

    @extend_schema(responses={200: VerifyResponseSerializer, **ERRORS})
    def get(self, request):
        return Response({"valid": True, "user": UserSerializer(request.user).data})


class TokenCheckView(ApiView):
    """Check an access token given in the body (for other services and debugging)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenCheckSerializer, responses={200: TokenCheckResponseSerializer, **ERRORS})
    def post(self, request):
        serializer = TokenCheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            load_live_session(validate_access_token(serializer.validated_data["token"]))
        except AuthenticationFailed:
            return Response({"valid": False})
        return Response({"valid": True})


class PasswordChangeView(ApiView):
    """Change the password, end every session of the user, and start a fresh one for this client."""

    @extend_schema(request=PasswordChangeSerializer, responses={200: AccessResponseSerializer, **ERRORS})
    def post(self, request):
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = request.user
        data = serializer.validated_data
        if not user.check_password(data["current_password"]):
            raise ValidationError({"current_password": ["The current password is incorrect."]})
        try:
            password_validation.validate_password(data["new_password"], user)
        except DjangoValidationError as error:
            raise ValidationError({"new_password": list(error.messages)}) from error
        with transaction.atomic():
            user.set_password(data["new_password"])
            # Saving a new password ends every session (authentication.receivers, ASVS 5.0 7.4.3);
            # this client continues in a new one.
            user.save(update_fields=["password"])
            methods = tuple(request.auth.get("amr") or ("pwd",))  # the second factor, if any, still counts
            tokens = token_service.start_session(user, binding_claims_of(request.auth), context_of(request), methods)
        security_event("password_changed", request, user_id=user.pk)
        cancel_silent_refresh(request)  # the presented token's session has just ended
        return tokens_response(request, tokens)
