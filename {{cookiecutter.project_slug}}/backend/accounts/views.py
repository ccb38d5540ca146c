"""The account endpoints under /api/account/, and /api/me/.

Web pages and native apps call them alike: none reads or sets a cookie. The endpoints that could
tell whether an account exists answer 202 with one body whatever happened (accounts.account_service).
"""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from authentication.throttles import UserRateThrottle
from config.api import ApiView
from config.errors import error_responses

from . import account_service
from .conf import account_settings
from .serializers import (
    AcceptedSerializer,
    EmailChangedSerializer,
    EmailChangeSerializer,
    EmailSerializer,
    LinkTokenSerializer,
    PasswordResetConfirmSerializer,
    SignupSerializer,
    UserSerializer,
)
from .throttles import MAIL_THROTTLES, AccountLinkThrottle, AccountMailAddressThrottle, EmailChangeTargetThrottle

CHECK_YOUR_EMAIL = {
    "signup": "Check your email: we sent a link to finish signing up.",
    "resend": "If that address has an account waiting for verification, we sent it a new link.",
    "reset": "If that address has an account, we sent it a link to set a new password.",
    "email_change": "Check the new address: we sent it a link to confirm the change.",
}
MAIL_ERRORS = error_responses(400, 413, 415, 429, 503)
LINK_ERRORS = error_responses(400, 413, 415, 429, 503)


def accepted(message: str) -> Response:
    return Response({"detail": message}, status=status.HTTP_202_ACCEPTED)


def validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class SignupClosed(PermissionDenied):
    default_detail = "Sign-up is closed. Ask an administrator for an account."
    default_code = "signup_closed"


class PublicAccountView(ApiView):
    """No credentials: these serve people who cannot sign in yet."""

    authentication_classes = []
    permission_classes = [AllowAny]


class SignupView(PublicAccountView):
    """Create an account; it signs in once the emailed link has verified its address."""

    throttle_classes = MAIL_THROTTLES

    @extend_schema(
        request=SignupSerializer,
        responses={202: AcceptedSerializer, **error_responses(400, 403, 413, 415, 429, 503)},
        summary="Sign up",
        description="Answers 202 whether or not the username or address is in use; the mailbox learns which.",
    )
    def post(self, request):
        if not account_settings.SIGNUP_OPEN:
            raise SignupClosed()
        data = validated(SignupSerializer, request)
        candidate = get_user_model()(username=data["username"], email=data["email"])
        account_service.check_password_policy(data["password"], candidate, "password")
        account_service.sign_up(request, data["username"], data["email"], data["password"])
        return accepted(CHECK_YOUR_EMAIL["signup"])


class VerifyEmailView(PublicAccountView):
    throttle_classes = [AccountLinkThrottle]

    @extend_schema(
        request=LinkTokenSerializer,
        responses={200: UserSerializer, **LINK_ERRORS},
        summary="Verify an email address with the emailed link's token",
        description="A second use of a link answers 200 again and changes nothing; "
        "an expired link answers 400 `link_expired`, a forged or spent one 400 `link_invalid`.",
    )
    def post(self, request):
        user = account_service.verify_email(request, validated(LinkTokenSerializer, request)["token"])
        return Response(UserSerializer(user).data)


class ResendVerificationView(PublicAccountView):
    throttle_classes = MAIL_THROTTLES

    @extend_schema(
        request=EmailSerializer,
        responses={202: AcceptedSerializer, **MAIL_ERRORS},
        summary="Send a new verification link",
    )
    def post(self, request):
        account_service.resend_verification(request, validated(EmailSerializer, request)["email"])
        return accepted(CHECK_YOUR_EMAIL["resend"])


class PasswordResetView(PublicAccountView):
    throttle_classes = MAIL_THROTTLES

    @extend_schema(
        request=EmailSerializer,
        responses={202: AcceptedSerializer, **MAIL_ERRORS},
        summary="Send a password reset link",
    )
    def post(self, request):
        account_service.request_password_reset(request, validated(EmailSerializer, request)["email"])
        return accepted(CHECK_YOUR_EMAIL["reset"])


class PasswordResetConfirmView(PublicAccountView):
    throttle_classes = [AccountLinkThrottle]

    @extend_schema(
        request=PasswordResetConfirmSerializer,
        responses={200: AcceptedSerializer, **LINK_ERRORS},
        summary="Set a new password with the emailed link's token",
        description="Ends every session of the account, access tokens included, and emails a notice.",
        examples=[OpenApiExample("Done", value={"detail": "Password set. Sign in with your new password."})],
    )
    def post(self, request):
        data = validated(PasswordResetConfirmSerializer, request)
        account_service.reset_password(request, data["token"], data["new_password"])
        return Response({"detail": "Password set. Sign in with your new password."})


class EmailChangeView(ApiView):
    """Signed in, with the current password: the new address must confirm before it is used."""

    throttle_classes = [UserRateThrottle, AccountMailAddressThrottle, EmailChangeTargetThrottle]

    @extend_schema(
        request=EmailChangeSerializer,
        responses={202: AcceptedSerializer, **error_responses(400, 401, 413, 415, 429, 503)},
        summary="Change the account's email address",
    )
    def post(self, request):
        data = validated(EmailChangeSerializer, request)
        if not request.user.check_password(data["current_password"]):
            raise ValidationError({"current_password": ["The current password is incorrect."]})
        account_service.request_email_change(request, request.user, data["new_email"])
        return accepted(CHECK_YOUR_EMAIL["email_change"])


class EmailChangeConfirmView(PublicAccountView):
    """The link may be opened on any device, signed in or not: its token is the credential."""

    throttle_classes = [AccountLinkThrottle]

    @extend_schema(
        request=LinkTokenSerializer,
        responses={200: EmailChangedSerializer, **LINK_ERRORS},
        summary="Confirm an email change with the emailed link's token",
    )
    def post(self, request):
        user = account_service.confirm_email_change(request, validated(LinkTokenSerializer, request)["token"])
        return Response({"detail": "Email address changed.", "email": user.email})


class MeView(ApiView):
    """An example protected endpoint outside /api/auth/.

    Successful responses carry ``X-New-Access-Token`` when the presented access token is
    about to expire (see authentication.silent_refresh).
    """

    @extend_schema(responses={200: UserSerializer, **error_responses(401, 403, 429, 503)}, summary="The signed-in user")
    def get(self, request):
        return Response(UserSerializer(request.user).data)
