"""Create the benchmark's user and sessions inside a generated project (run by the project's venv).

Run from the generated ``backend/`` folder with the deployment's environment:

    python django_sessions.py user OUT.json          # the users, one access token and the login credentials
    python django_sessions.py refresh COUNT OUT.txt  # COUNT fresh sessions, one refresh Cookie header a line

Sessions are started the way a login starts them, through ``token_service.start_session`` with
the claims of ``bind_new_session``, and ``write_binding_cookies`` yields the cookies (the
fingerprint) the client must send along, so every token is one the server really issued.
"""

import json
import os
import sys
from pathlib import Path

import django

sys.path.insert(0, os.getcwd())
django.setup()

from authentication import token_service  # noqa: E402
from authentication.bindings import bind_new_session, write_binding_cookies  # noqa: E402
from authentication.conf import auth_settings  # noqa: E402
from authentication.request_context import context_of  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import timezone  # noqa: E402
from mfa import totp  # noqa: E402

USERNAME = "bench"
MFA_USERNAME = "bench_mfa"  # with an authenticator app: its login answers 202 and a challenge
PASSWORD = "bench-password-7f3a9c2e41"  # a throwaway account in a throwaway database
# Sessions are created in batches, one transaction each, so creating thousands stays quick.
BATCH = 500


def bench_user(username: str = USERNAME):
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.com", "email_verified_at": timezone.now()}
    )
    if created:
        user.set_password(PASSWORD)  # the configured hasher (PBKDF2), as in production
        user.save()
    return user


def bench_mfa_user():
    user = bench_user(MFA_USERNAME)
    if not totp.is_enabled(user):
        totp.begin(user)
        totp.confirm(totp.device_of(user, confirmed=False))
    return user


def new_session(user) -> tuple[token_service.IssuedTokens, dict[str, str]]:
    """Tokens of a new session and the binding cookies a login would have set with them."""
    request = RequestFactory().post("/api/auth/login/")
    context = context_of(request)
    tokens = token_service.start_session(user, bind_new_session(context))
    response = HttpResponse()
    write_binding_cookies(context, response, tokens)
    return tokens, {name: morsel.value for name, morsel in response.cookies.items()}


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def write_user(out: Path) -> None:
    tokens, cookies = new_session(bench_user())
    bench_mfa_user()
    data = {
        "username": USERNAME,
        "mfa_username": MFA_USERNAME,
        "password": PASSWORD,
        "access": tokens.access,
        "binding_cookies": cookie_header(cookies),
        "frontend_origin": settings.CORS_ALLOWED_ORIGINS[0],
        "refresh_cookie_name": auth_settings.REFRESH_COOKIE_NAME,
    }
    out.write_text(json.dumps(data))


def write_refresh_cookies(count: int, out: Path) -> None:
    user = bench_user()
    lines = []
    for start in range(0, count, BATCH):
        with transaction.atomic():
            for _ in range(min(BATCH, count - start)):
                tokens, cookies = new_session(user)
                lines.append(cookie_header({auth_settings.REFRESH_COOKIE_NAME: tokens.refresh, **cookies}))
    out.write_text("\n".join(lines) + "\n")


def main(argv: list[str]) -> None:
    if argv[:1] == ["user"] and len(argv) == 2:
        write_user(Path(argv[1]))
    elif argv[:1] == ["refresh"] and len(argv) == 3:
        write_refresh_cookies(int(argv[1]), Path(argv[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
