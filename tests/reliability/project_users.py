"""Create the test's users inside a served project; run with the project's venv from its backend/.

    python project_users.py COUNT OUT.json

Every user gets the same random password, hashed once with the project's hasher, so creating
many users costs one hash; each login still pays the full hash, as in production. OUT.json
also carries the settings a client needs (frontend origin, cookie names, grace window), and the
tokens of links that were never emailed (verify the address and reset the password of one more
user, ``links``; confirm a new address of another, ``moving``), so a client can follow each link
once, and a staff user, ``staff``, with the same password.
"""

import json
import os
import secrets
import sys
from pathlib import Path

import django

sys.path.insert(0, os.getcwd())
django.setup()

from accounts import links  # noqa: E402
from authentication.conf import auth_settings  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.utils import timezone  # noqa: E402


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
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
