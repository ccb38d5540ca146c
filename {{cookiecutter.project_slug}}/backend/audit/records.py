"""Writing an audit record: the task behind ``audit.receivers``. Idempotent: a record is written
once per event id, however often a worker runs the task."""

from datetime import datetime

from django.contrib.auth import get_user_model

from config.deferred import task

from .models import AuditEvent

SECRET_WORDS = ("password", "token", "secret", "cookie", "key", "otp", "code")


@task("audit.record_event")
def record_event(
    event_id: str,
    at: str,
    event: str,
    user_id,
    username,
    client_address,
    user_agent: str,
    session_id,
    details: dict,
) -> None:
    if user_id is None and username:  # a failed sign-in names an account by its username
        user_id = get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                id=event_id,
                at=datetime.fromisoformat(at),
                event=event,
                user_id=user_id if isinstance(user_id, int) else None,
                client_address=client_address,
                user_agent=user_agent,
                session_id=session_id,
                details=details,
            )
        ],
        ignore_conflicts=True,  # already written by an earlier run of this task
    )
