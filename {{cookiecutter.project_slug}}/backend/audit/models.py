"""The audit trail: security events kept in the database (ASVS 5.0 16.2, 16.3).

Who (the account and, for a failed sign-in, the name that was tried), what (the event and its
details), when, from where (client address, user agent) and in which session. Never a secret:
the events carry none, and the details of every event are filtered again before they are kept.
Rows are written by the audit receiver only, never changed, and deleted only past the retention.
"""

import uuid

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(db_index=True)
    event = models.CharField(max_length=64, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    client_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    session_id = models.UUIDField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "-at"], name="audit_user_recent_idx")]

    def __str__(self) -> str:
        return f"{self.event} at {self.at:%Y-%m-%d %H:%M:%S}"
