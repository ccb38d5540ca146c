"""End every session of a user, for example after a suspected compromise."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from authentication.token_service import revoke_user_sessions


class Command(BaseCommand):
    help = "Revoke every session (refresh session) of a user; their access tokens stop working at once."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"No user named {username!r}.") from error
        count = revoke_user_sessions(user, "admin_revoked")
        self.stdout.write(f"Revoked {count} session(s) of {username!r}.")
