"""The task runner that hands deferred work (config.deferred) to a Celery worker.

Publishing happens on the web process's background thread, after the transaction commits, so a
request never waits for the broker. When the broker cannot be reached within
``PUBLISH_TIMEOUT``, the task is recorded in the database as unsent (``UnsentTask``) and the
broker is skipped for ``BROKER_COOLDOWN``: requests neither fail nor slow down, and nothing is
lost. The worker publishes recorded tasks again every ``RESEND_UNSENT_EVERY``. Without a broker
URL (local development) tasks run in the web process, as without this app.
"""

import functools
import logging
import threading
import time

from django.utils import timezone

from config.deferred import InProcessRunner, background_thread

from .celery import app as celery_app
from .conf import async_settings

logger = logging.getLogger(__name__)
# The worker's task (async_tasks.tasks), published by name.
RUN_DEFERRED = "async_tasks.run_deferred"


class BrokerCircuit:
    """Open for ``BROKER_COOLDOWN`` after a failed publish: tasks are recorded without trying."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open_until = 0.0

    @property
    def open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self) -> None:
        with self._lock:
            self._open_until = time.monotonic() + async_settings.BROKER_COOLDOWN.total_seconds()

    def close(self) -> None:
        with self._lock:
            self._open_until = 0.0


circuit = BrokerCircuit()


def record_unsent(task_id: str, name: str, kwargs: dict, reason: str, error: str = "") -> None:
    from .models import UnsentTask

    record = {"name": name, "kwargs": kwargs, "reason": reason, "error": error[:200], "recorded_at": timezone.now()}
    try:
        UnsentTask.objects.update_or_create(id=task_id, defaults=record)
    except Exception:  # the database is down too: the log is the last record
        logger.critical("Task %s (%s) could not be published or recorded: %s", name, task_id, error)
        raise
    logger.warning("Task %s (%s) recorded as unsent: %s", name, task_id, reason)


def publish(name: str, kwargs: dict, task_id: str) -> None:
    """Hand the task to the broker, or record it as unsent."""
    if circuit.open:
        record_unsent(task_id, name, kwargs, "broker_unavailable", "broker skipped after a recent failure")
        return
    try:
        celery_app.send_task(RUN_DEFERRED, args=(name, kwargs), task_id=task_id, retry=False)
    except Exception as error:
        circuit.trip()
        record_unsent(task_id, name, kwargs, "broker_unavailable", f"{type(error).__name__}: {error}")


class CeleryRunner:
    def submit(self, name: str, kwargs: dict, task_id: str) -> None:
        if not async_settings.BROKER_URL:
            InProcessRunner().submit(name, kwargs, task_id)
            return
        background_thread.submit(functools.partial(publish, name, kwargs, task_id))
