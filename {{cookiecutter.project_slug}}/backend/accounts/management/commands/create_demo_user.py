"""Create (or reset) the demo user for trying the project locally."""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

DEFAULT_USERNAME = "demo"
DEFAULT_PASSWORD = "demo-password-123"  # noqa: S105  (a local demo account, documented in the README)


class Command(BaseCommand):
    help = "Create the demo user (password from DEMO_USER_PASSWORD, default demo-password-123)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=DEFAULT_USERNAME)

    def handle(self, *args, username: str, **options):
        password = os.environ.get("DEMO_USER_PASSWORD", DEFAULT_PASSWORD)
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.com"}
        )
        user.set_password(password)
        user.is_active = True
        user.email_verified_at = user.email_verified_at or timezone.now()
        user.save()
        verb = "Created" if created else "Reset"
        self.stdout.write(f"{verb} user {username!r} with password {password!r}.")
