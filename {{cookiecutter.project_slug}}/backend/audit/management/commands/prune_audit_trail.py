"""Delete audit records older than the retention (AUDIT["RETENTION"], AUDIT_RETENTION_DAYS); run daily."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from audit.conf import audit_settings
from audit.models import AuditEvent


class Command(BaseCommand):
    help = "Delete audit records older than the retention (AUDIT_RETENTION_DAYS, default 180)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")

    def handle(self, *args, dry_run: bool, **options):
        cutoff = timezone.now() - audit_settings.RETENTION
        old = AuditEvent.objects.filter(at__lt=cutoff)
        if dry_run:
            self.stdout.write(f"{old.count()} audit record(s) older than {cutoff:%Y-%m-%d %H:%M} would be deleted.")
            return
        deleted, _ = old.delete()
        self.stdout.write(f"Deleted {deleted} audit record(s) older than {cutoff:%Y-%m-%d %H:%M}.")
