"""Sign-in with a second factor, for browsers and native apps alike.

After the password, ``begin`` issues a challenge when the user has an authenticator (step
``verify``) or must set one up (step ``enroll``, by ``MFA["REQUIRED"]``); the login then answers
202 with it instead of tokens (``respond``). The login finds these through ``SecondFactor``, which
the app declares (authentication.features), so authentication never imports this app. ``redeem``
takes the challenge and a code and returns who signed in and how (``amr``, RFC 8176); only then
does the caller start the session.
"""

from dataclasses import dataclass

from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from authentication.security_log import security_event
from config.api import never_cached

from . import challenges, recovery, totp
from .conf import mfa_settings
from .models import Challenge

PASSWORD_AND_OTP = ("pwd", "otp")
STEPS = {Challenge.SIGN_IN: "verify", Challenge.ENROLL: "enroll"}
DETAILS = {
    Challenge.SIGN_IN: "Enter the code from your authenticator app, or one of your recovery codes.",
    Challenge.ENROLL: "This account must use an authenticator app: set one up to finish signing in.",
}


class CodeInvalid(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "mfa_code_invalid"

    def __init__(self, attempts_left: int | None = None) -> None:
        detail = "That code is not valid (or was already used)."
        if attempts_left is not None:
            detail += f" {attempts_left} {'try' if attempts_left == 1 else 'tries'} left."
        super().__init__(detail)


def is_required_for(user) -> bool:
    return mfa_settings.REQUIRED == "all" or (mfa_settings.REQUIRED == "staff" and user.is_staff)


def begin(request, user) -> challenges.IssuedChallenge | None:
    """The second step this sign-in needs, or None when the password is enough."""
    if totp.is_enabled(user):
        purpose = Challenge.SIGN_IN
    elif is_required_for(user):
        purpose = Challenge.ENROLL
    else:
        return None
    issued = challenges.issue(user, purpose)
    security_event("mfa_challenge_issued", request, user_id=user.pk, step=STEPS[purpose])
    return issued


def respond(issued: challenges.IssuedChallenge, *, in_body: bool) -> Response:
    """202: the second step to take. Browsers get the challenge in an HttpOnly cookie; apps, which
    keep no cookies (``in_body``), in the body."""
    purpose = issued.challenge.purpose
    body = {
        "detail": DETAILS[purpose],
        "step": STEPS[purpose],
        "methods": ["totp", "recovery_code"] if purpose == Challenge.SIGN_IN else ["totp"],
        "expires_in": int(mfa_settings.CHALLENGE_LIFETIME.total_seconds()),
    }
    if in_body:
        body["challenge"] = issued.token
    response = never_cached(Response(body, status=status.HTTP_202_ACCEPTED))
    if not in_body:
        challenges.set_cookie(response, issued)
    return response


class SecondFactor:
    """What this app declares to authentication (``sign_in_step``): the login's second step."""

    begin = staticmethod(begin)
    respond = staticmethod(respond)


def begin_enrollment(request, challenge: Challenge) -> totp.Setup:
    if challenge.purpose != Challenge.ENROLL or totp.is_enabled(challenge.user):
        # An authenticator set up meanwhile is never replaced from a sign-in: that needs the old one.
        raise challenges.ChallengeInvalid("This sign-in needs a code, not a new authenticator.")
    return totp.begin(challenge.user)


@dataclass(frozen=True)
class Redeemed:
    user: object
    methods: tuple[str, ...]
    recovery_codes: list[str] | None  # new codes, when this step set up the authenticator


def redeem(request, challenge: Challenge, code: str) -> Redeemed:
    user = challenge.user
    used_recovery_code = False
    if challenge.purpose == Challenge.SIGN_IN:
        device = totp.device_of(user, confirmed=True)
        accepted = device is not None and totp.accept_code(device, code)
        if not accepted and recovery.use(user, code):
            accepted = used_recovery_code = True
    else:
        device = totp.device_of(user, confirmed=False)
        accepted = device is not None and totp.accept_code(device, code)
    if not accepted:
        left = challenges.count_failure(challenge)
        security_event("mfa_failed", request, user_id=user.pk, attempts_left=left)
        raise CodeInvalid(left) if left else challenges.ChallengeInvalid()
    if not challenges.spend(challenge):
        raise challenges.ChallengeInvalid()
    codes = None
    if challenge.purpose == Challenge.ENROLL:
        totp.confirm(device)
        codes = recovery.replace(user)
        security_event("mfa_enabled", request, user_id=user.pk)
    if used_recovery_code:
        security_event("mfa_recovery_code_used", request, user_id=user.pk, remaining=recovery.remaining(user))
    return Redeemed(user, PASSWORD_AND_OTP, codes)
