"""The second step of a sign-in: a challenge issued after the password, redeemed with a code.

A challenge is a random token, kept only as its digest, that lives ``CHALLENGE_LIFETIME``, takes
``CHALLENGE_MAX_ATTEMPTS`` wrong codes and is spent by the right one. It is no JWT, and neither
the bearer check nor the refresh endpoint reads it: it opens nothing but this step. Browsers hold
it in an HttpOnly cookie sent only to the MFA endpoints (it is bound to that browser); apps,
which keep no cookies, hold it from the response body.
"""

import secrets
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException

from authentication.conf import auth_settings

from .conf import mfa_settings
from .models import Challenge
from .protection import token_digest

COOKIE_NAME = "mfa_challenge"


class ChallengeInvalid(APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "mfa_challenge_invalid"
    default_detail = "This sign-in has expired, was finished or took too many wrong codes. Sign in again."


@dataclass(frozen=True)
class IssuedChallenge:
    token: str
    challenge: Challenge


def issue(user, purpose: str) -> IssuedChallenge:
    now = timezone.now()
    Challenge.objects.filter(user=user, expires_at__lt=now).delete()  # the user's stale ones
    token = secrets.token_urlsafe(32)
    challenge = Challenge.objects.create(
        user=user,
        purpose=purpose,
        token_digest=token_digest(token),
        created_at=now,
        expires_at=now + mfa_settings.CHALLENGE_LIFETIME,
    )
    return IssuedChallenge(token, challenge)


def live(token) -> Challenge | None:
    """The challenge of ``token`` while it can still be redeemed."""
    if not isinstance(token, str) or not token or len(token) > 128:
        return None
    return (
        Challenge.objects.select_related("user")
        .filter(
            token_digest=token_digest(token),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            attempts__lt=mfa_settings.CHALLENGE_MAX_ATTEMPTS,
            user__is_active=True,
        )
        .first()
    )


def count_failure(challenge: Challenge) -> int:
    """Record a wrong code; return how many tries are left."""
    Challenge.objects.filter(pk=challenge.pk).update(attempts=F("attempts") + 1)
    challenge.refresh_from_db(fields=["attempts"])
    return max(0, mfa_settings.CHALLENGE_MAX_ATTEMPTS - challenge.attempts)


def spend(challenge: Challenge) -> bool:
    """Mark the challenge used; False if another request already did."""
    return Challenge.objects.filter(pk=challenge.pk, used_at__isnull=True).update(used_at=timezone.now()) == 1


def cookie_name() -> str:
    # The same Secure rule as the refresh cookie: __Secure- only where the cookie is Secure.
    return f"__Secure-{COOKIE_NAME}" if auth_settings.REFRESH_COOKIE_SECURE else COOKIE_NAME


def set_cookie(response, issued: IssuedChallenge) -> None:
    response.set_cookie(
        cookie_name(),
        issued.token,
        max_age=int(mfa_settings.CHALLENGE_LIFETIME.total_seconds()),
        path=mfa_settings.CHALLENGE_COOKIE_PATH,
        domain=auth_settings.REFRESH_COOKIE_DOMAIN,
        secure=auth_settings.REFRESH_COOKIE_SECURE,
        httponly=True,
        samesite="Strict" if auth_settings.REFRESH_COOKIE_SAMESITE == "Lax" else auth_settings.REFRESH_COOKIE_SAMESITE,
    )


def clear_cookie(response) -> None:
    response.delete_cookie(
        cookie_name(), path=mfa_settings.CHALLENGE_COOKIE_PATH, domain=auth_settings.REFRESH_COOKIE_DOMAIN
    )


def read_cookie(request) -> str | None:
    return request.COOKIES.get(cookie_name()) or None
