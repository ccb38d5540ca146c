"""Create the test's users inside a served project; run with the project's venv from its backend/.

    python project_users.py COUNT OUT.json

Every user gets the same random password, hashed once with the project's hasher, so creating
many users costs one hash; each login still pays the full hash, as in production. OUT.json
also carries the settings a client needs (frontend origin, cookie names, grace window), and the
tokens of links that were never emailed (verify the address and reset the password of one more
user, ``links``; confirm a new address of another, ``moving``), so a client can follow each link
once, and a staff user, ``staff``, with the same password. ``mfa`` holds what a client of the
MFA endpoints would have: signed-in sessions of users with an authenticator (``on``, ``disable``:
its secret known) and without one (``off``); single-use challenges of a sign-in's second step,
for browsers (a cookie) and apps (the body), and the recovery codes that answer them. With the
passkeys app, ``passkeys`` holds a signed-in owner of passkeys (one to rename, others to remove)
and single-use answers a software authenticator made: registrations and sign-ins.
"""

import json
import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import django

sys.path.insert(0, os.getcwd())
django.setup()

from accounts import links  # noqa: E402
from authentication import token_service  # noqa: E402
from authentication.bindings import bind_new_session, write_binding_cookies  # noqa: E402
from authentication.conf import auth_settings  # noqa: E402
from authentication.request_context import context_of  # noqa: E402
from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import timezone  # noqa: E402
from mfa import challenges, recovery, totp  # noqa: E402
from mfa.models import Challenge  # noqa: E402

CHALLENGES_EACH = 3  # of each kind: each real request spends one


def signed_in(user) -> dict:
    """A session as a browser holds it after signing in: the access token and the binding cookies."""
    context = context_of(RequestFactory().post("/api/auth/login/"))
    tokens = token_service.start_session(user, bind_new_session(context), context, ("pwd", "otp"))
    response = HttpResponse()
    write_binding_cookies(context, response, tokens)
    return {"access": tokens.access, "cookies": {name: morsel.value for name, morsel in response.cookies.items()}}


def with_authenticator(user) -> str:
    secret = totp.begin(user).secret
    totp.confirm(totp.device_of(user, confirmed=False))
    return secret


def pending_challenges(user, purpose: str) -> list[str]:
    """Tokens of second steps that wait long enough for any test of the run."""
    tokens = [challenges.issue(user, purpose).token for _ in range(CHALLENGES_EACH)]
    Challenge.objects.filter(user=user).update(expires_at=timezone.now() + timedelta(hours=2))
    return tokens


def mfa_fixtures(user_model, encoded: str, verified) -> dict:
    made = {
        name: user_model.objects.create(
            username=f"mfa_{name}", email=f"mfa_{name}@example.com", password=encoded, email_verified_at=verified
        )
        for name in ("on", "disable", "off", "login", "enroll")
    }
    for name in ("on", "disable", "login"):
        with_authenticator(made[name])
    return {
        "sessions": {name: signed_in(made[name]) for name in ("on", "disable", "off")},
        "challenge_cookie": challenges.cookie_name(),
        "sign_in": pending_challenges(made["login"], Challenge.SIGN_IN),
        "mobile_sign_in": pending_challenges(made["login"], Challenge.SIGN_IN),
        "enroll": pending_challenges(made["enroll"], Challenge.ENROLL),
        "mobile_enroll": pending_challenges(made["enroll"], Challenge.ENROLL),
        "recovery_codes": recovery.replace(made["login"]),
    }


def passkey_fixtures(user_model, encoded: str, verified) -> dict:
    from passkeys import credentials
    from passkeys.conf import passkey_settings
    from passkeys.models import Ceremony
    from passkeys.testing import SoftAuthenticator

    owner = user_model.objects.create(
        username="passkey_owner", email="passkey_owner@example.com", password=encoded, email_verified_at=verified
    )
    # A synced passkey that never counts, so the sign-ins below may be answered in any order.
    device = SoftAuthenticator(origin=passkey_settings.ORIGINS[0], counts=False)
    owned = [
        credentials.register(owner, device.create(credentials.registration_options(owner)), f"Passkey {number}")
        for number in range(1 + CHALLENGES_EACH)
    ]
    newcomers = [SoftAuthenticator(origin=device.origin) for _ in range(CHALLENGES_EACH)]
    registrations = [
        {"credential": newcomer.create(credentials.registration_options(owner)), "name": "New"}
        for newcomer in newcomers
    ]
    sign_ins = [device.get(credentials.sign_in_options(), device.credentials[0]) for _ in range(CHALLENGES_EACH)]
    Ceremony.objects.update(expires_at=timezone.now() + timedelta(hours=2))
    return {
        "session": signed_in(owner),
        "kept": owned[0].pk,
        "removable": [passkey.pk for passkey in owned[1:]],
        "registrations": registrations,
        "sign_ins": sign_ins,
    }


def main(count: int, out: Path) -> None:
    password = secrets.token_urlsafe(18)
    encoded = make_password(password)
    usernames = [f"user{number:03d}" for number in range(count)]
    user_model = get_user_model()
    verified = timezone.now()
    user_model.objects.bulk_create(
        user_model(username=name, email=f"{name}@example.com", password=encoded, email_verified_at=verified)
        for name in usernames
    )
    mailed, moving, _ = (
        user_model.objects.create(
            username=name, email=f"{name}@example.com", password=encoded, email_verified_at=verified, is_staff=staff
        )
        for name, staff in (("links", False), ("moving", False), ("staff", True))
    )
    out.write_text(
        json.dumps(
            {
                "usernames": usernames,
                "password": password,
                "frontend_origin": settings.CORS_ALLOWED_ORIGINS[0],
                "refresh_cookie": auth_settings.REFRESH_COOKIE_NAME,
                "grace_seconds": auth_settings.REFRESH_GRACE_PERIOD.total_seconds(),
                "link_tokens": {
                    "verify_email": links.verify_email_token(mailed),
                    "password_reset": links.password_reset_token(mailed),
                    "email_change": links.email_change_token(moving, "moved@example.com"),
                },
                "mailed_user_id": mailed.pk,
                "staff_username": "staff",
                "mfa": mfa_fixtures(user_model, encoded, verified),
                "passkeys": passkey_fixtures(user_model, encoded, verified) if apps.is_installed("passkeys") else None,
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
