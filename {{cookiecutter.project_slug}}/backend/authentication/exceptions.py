"""Authentication failures as exception types; config.errors turns each into the JSON error shape.

They are 401s even on endpoints without an authentication class (login, refresh), where
DRF would otherwise turn AuthenticationFailed into 403.
"""

from rest_framework import status
from rest_framework.exceptions import APIException


class InvalidCredentials(APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "Invalid username or password."
    default_code = "invalid_credentials"


class RefreshRejected(APIException):
    """A refresh token that cannot be used: missing, invalid, expired, rotated or revoked."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "Refresh token is invalid or expired. Sign in again."
    default_code = "refresh_invalid"


class SessionRevoked(RefreshRejected):
    default_detail = "This session has ended. Sign in again."
    default_code = "session_revoked"


class EmailUnverified(APIException):
    """Right password, but the account's email address is not verified yet (accounts.conf)."""

    status_code = status.HTTP_403_FORBIDDEN
    default_detail = "Confirm your email address first: follow the link we sent you, or ask for a new one."
    default_code = "email_unverified"
