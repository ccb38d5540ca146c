"""Re-authentication before a sensitive action (ASVS 5.0 7.5.1, 7.5.3).

Ending every other session, and changing a second factor, needs proof that the person at the
keyboard is the account's owner, not someone at an unlocked screen or holding a stolen access
token: the current password in the request (``current_password``), or a password presented in
this session within ``AUTH["REAUTHENTICATION_WINDOW"]`` (the access token's ``auth_time``, renewed
by ``POST /api/auth/reauthenticate/``). Password and email changes always ask for the password.
"""

import time

from rest_framework import status
from rest_framework.exceptions import APIException

from config.api import ApiView

from .conf import auth_settings
from .security_log import security_event
from .serializers import CurrentPasswordSerializer
from .throttles import ReauthenticationThrottle, UserRateThrottle


class ReauthenticationRequired(APIException):
    """403 ``reauthentication_required`` (no password, no recent sign-in) or ``password_incorrect``."""

    status_code = status.HTTP_403_FORBIDDEN
    default_code = "reauthentication_required"

    def __init__(self, window_minutes: int, wrong_password: bool) -> None:
        first = "That is not your current password." if wrong_password else "Confirm it is you first."
        super().__init__(
            f"{first} Send your current password as current_password, or re-authenticate "
            f"(POST /api/auth/reauthenticate/); a sign-in within the last {window_minutes} minutes counts too.",
            code="password_incorrect" if wrong_password else "reauthentication_required",
        )


def recently_authenticated(claims) -> bool:
    auth_time = claims.get("auth_time") if claims is not None else None
    if not isinstance(auth_time, int):
        return False
    return time.time() - auth_time <= auth_settings.REAUTHENTICATION_WINDOW.total_seconds()


def require_reauthentication(request, current_password: str | None) -> None:
    """Pass with the right current password or a recent sign-in; else 403 saying which is needed."""
    if current_password:
        if request.user.check_password(current_password):
            return
        security_event("reauthentication_failed", request, user_id=request.user.pk)
        raise ReauthenticationRequired(_window_minutes(), wrong_password=True)
    if not recently_authenticated(request.auth):
        raise ReauthenticationRequired(_window_minutes(), wrong_password=False)


def _window_minutes() -> int:
    return max(1, round(auth_settings.REAUTHENTICATION_WINDOW.total_seconds() / 60))


class ReauthenticatedView(ApiView):
    """A signed-in endpoint whose action needs re-authentication: ``self.reauthenticate(request)``
    reads ``current_password`` from the body (CurrentPasswordSerializer); guesses are throttled per account."""

    throttle_classes = [UserRateThrottle, ReauthenticationThrottle]

    def reauthenticate(self, request) -> None:
        serializer = CurrentPasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        require_reauthentication(request, serializer.validated_data.get("current_password"))
