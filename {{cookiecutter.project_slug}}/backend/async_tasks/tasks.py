"""The worker's side: every deferred task arrives as ``run_deferred(name, kwargs)``.

A task runs at most once to completion: its id is recorded (``CompletedTask``) in the same
transaction as its database work, and a second delivery of the same id finds it and does nothing.
Email is the exception that cannot share a transaction: a worker killed in the milliseconds
between the mail server's acceptance and the commit sends that message again. A failing task is
retried with backoff; when every retry has failed it is recorded as ``UnsentTask`` (failed),
never dropped.
"""

import logging

from celery import shared_task
from django.db import IntegrityError, transaction
from django.utils import timezone

from config import deferred

from .conf import async_settings
from .models import CompletedTask, UnsentTask
from .runner import RUN_DEFERRED, circuit, publish, record_unsent

logger = logging.getLogger(__name__)


def _backoff(retries: int) -> float:
    return min(2.0 ** (retries + 1), async_settings.RETRY_BACKOFF_MAX.total_seconds())


@shared_task(name=RUN_DEFERRED, bind=True, acks_late=True, reject_on_worker_lost=True)
def run_deferred(self, name: str, kwargs: dict) -> str:
    task_id = self.request.id
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    CompletedTask.objects.create(id=task_id, name=name, completed_at=timezone.now())
            except IntegrityError:
                return "already done"
            deferred.run(name, kwargs)
    except Exception as error:
        if self.request.retries >= async_settings.MAX_RETRIES:
            record_unsent(task_id, name, kwargs, "retries_exhausted", f"{type(error).__name__}: {error}")
            logger.error("Task %s (%s) failed every retry: %r", name, task_id, error)
            return "failed"
        raise self.retry(exc=error, countdown=_backoff(self.request.retries)) from error
    return "done"


@shared_task(name="async_tasks.resend_unsent")
def resend_unsent() -> int:
    """Publish the tasks recorded while the broker was unreachable (this worker reached it)."""
    circuit.close()
    sent = 0
    with transaction.atomic():
        waiting = UnsentTask.objects.select_for_update(skip_locked=True).filter(reason="broker_unavailable")[:500]
        for unsent in waiting:
            publish(unsent.name, unsent.kwargs, str(unsent.id))
            if not circuit.open:
                unsent.delete()
                sent += 1
    if sent:
        logger.info("Published %d task(s) recorded as unsent.", sent)
    return sent


@shared_task(name="async_tasks.forget_completed")
def forget_completed() -> int:
    cutoff = timezone.now() - async_settings.COMPLETED_RETENTION
    deleted, _ = CompletedTask.objects.filter(completed_at__lt=cutoff).delete()
    return deleted
