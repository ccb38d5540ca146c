"""What the task runner remembers in the database.

``CompletedTask``: the id of every task a worker finished, so that a task handed out twice (a
worker that died before acknowledging it, a retry racing a redelivery) runs once.
``UnsentTask``: a task that could not be published (the broker was down) or that failed every
retry; the worker publishes the first kind again, the second waits for staff in the admin.
"""

from django.db import models


class CompletedTask(models.Model):
    id = models.UUIDField(primary_key=True)
    name = models.CharField(max_length=100)
    completed_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.name} {self.id}"


class UnsentTask(models.Model):
    class Reason(models.TextChoices):
        BROKER_UNAVAILABLE = "broker_unavailable", "The broker could not be reached"
        RETRIES_EXHAUSTED = "retries_exhausted", "Every retry failed"

    id = models.UUIDField(primary_key=True)
    name = models.CharField(max_length=100)
    kwargs = models.JSONField()
    reason = models.CharField(max_length=32, choices=Reason.choices)
    error = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at"]

    def __str__(self) -> str:
        return f"{self.name} {self.id} ({self.reason})"
