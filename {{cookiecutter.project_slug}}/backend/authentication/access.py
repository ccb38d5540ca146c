"""Bearer access tokens on every API request: one signature check and one indexed query.

The query loads the user through the token's session (``sid``), so logout, reuse
detection, password change, deactivation and deletion reject access tokens at once
(ASVS 5 7.4.1, 7.4.2) at the cost simplejwt already pays to load the user.
"""

from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError

from .bindings import verify_bindings
from .client_address import client_address
from .models import RefreshFamily
from .silent_refresh import mark_for_silent_refresh
from .tamper import record_invalid_token, reject_if_blocked
from .tokens import AccessToken


def validate_access_token(raw, request=None) -> dict:
    """Signature, ``kid``, algorithm, type and expiry; return the claims.

    An expired token is only expired; anything else that fails is counted as tampering
    against the caller's address when a request is given.
    """
    try:
        return AccessToken(raw).payload
    except ExpiredTokenError as error:
        raise AuthenticationFailed("Access token has expired.", code="token_expired") from error
    except TokenError as error:
        if request is not None:
            record_invalid_token(request, reason=str(error))
        raise AuthenticationFailed("Access token is invalid.", code="token_invalid") from error


def load_session(claims: dict) -> RefreshFamily:
    """The token's session and user, if the session is live and the account active; one query (ASVS 5 7.4.1)."""
    family = (
        RefreshFamily.objects.select_related("user")
        .filter(
            pk=claims.get("sid"),
            user_id=claims.get("user_id"),
            revoked_at__isnull=True,
            absolute_expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )
    if family is None:
        raise AuthenticationFailed("This session has ended. Sign in again.", code="session_revoked")
    return family


def load_session_user(claims: dict):
    """The token's user, if its session is live and the account active."""
    return load_session(claims).user


class AccessTokenAuthentication(JWTAuthentication):
    """DRF authentication for ``Authorization: Bearer <access token>``."""

    def get_header(self, request):
        header = request.META.get("HTTP_AUTHORIZATION")
        if header is None:
            return None
        try:
            return header.encode("iso-8859-1")
        except UnicodeEncodeError as error:
            raise AuthenticationFailed("Authorization header is malformed.", code="bad_authorization_header") from error

    def authenticate(self, request):
        header = self.get_header(request)
        if header is None:
            return None
        raw_token = self.get_raw_token(header)
        if raw_token is None:
            return None
        reject_if_blocked(request, client_address(request))
        user, claims = self.authenticate_token(raw_token, request)
        verify_bindings(request, claims)
        mark_for_silent_refresh(request, claims)
        return user, claims

    def authenticate_token(self, raw_token, request) -> tuple:
        """Validate the token and load its user; a subclass may answer from a cache first."""
        claims = validate_access_token(raw_token, request)
        return load_session_user(claims), claims
