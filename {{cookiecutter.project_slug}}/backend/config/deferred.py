"""Work done after the request's transaction commits, away from the request: ``defer(name, **kwargs)``.

A task is a plain function registered with ``@task("app.name")``; its arguments are JSON values, so
it can run in another process. Where it runs is the installed runner's choice:

- by default, in this process once the transaction has committed (a rolled-back request defers
  nothing). ``background=True`` tasks (email) run on a sender thread, so no response waits for
  them or tells by its timing that one ran; ``RUN_TASKS_IN_BACKGROUND = False`` runs them in the
  request instead (tests). Still queued when the process exits, they run on the way out, for up to
  ``SHUTDOWN_GRACE`` seconds.
- an optional app may declare ``task_runner`` on its ``AppConfig`` to run them elsewhere (in a
  worker process, say).
"""

import atexit
import functools
import logging
import os
import queue
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)
SHUTDOWN_GRACE = 10.0


@dataclass(frozen=True)
class Task:
    name: str
    function: Callable[..., None]
    background: bool


_tasks: dict[str, Task] = {}


def task(name: str, *, background: bool = False):
    """Register ``function`` as the task ``name``."""

    def register(function):
        _tasks[name] = Task(name, function, background)
        return function

    return register


def registered(name: str) -> Task:
    try:
        return _tasks[name]
    except KeyError:
        raise LookupError(f"No task is registered as {name!r}.") from None


def run(name: str, kwargs: dict) -> None:
    """Run a task here and now (what every runner ends up calling)."""
    registered(name).function(**kwargs)


def defer(name: str, /, **kwargs) -> None:
    """Run the task ``name`` once the current transaction commits (at once outside one)."""
    registered(name)  # an unknown name fails here, in the request that asked, not later
    task_id = str(uuid.uuid4())
    transaction.on_commit(functools.partial(task_runner().submit, name, kwargs, task_id), robust=True)


class BackgroundThread:
    """One worker thread per process, started on first use (and again in a forked child)."""

    _stop = object()

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()

    def submit(self, work: Callable[[], None]) -> None:
        with self._lock:
            if self._pid != os.getpid():  # forked (a gunicorn worker): the parent's thread is not ours
                self._queue, self._thread, self._pid = queue.SimpleQueue(), None, os.getpid()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="deferred-tasks", daemon=True)
                self._thread.start()
            self._queue.put(work)

    def _run(self) -> None:
        while (work := self._queue.get()) is not self._stop:
            try:
                work()
            except Exception:  # a task failed: keep serving the others
                logger.exception("A background task failed.")

    def flush(self, timeout: float = SHUTDOWN_GRACE) -> None:
        """Finish what is queued, then stop the thread (at exit; tests)."""
        with self._lock:
            thread, self._thread = self._thread, None
            if thread is None or self._pid != os.getpid():
                return
            self._queue.put(self._stop)
        thread.join(timeout)


background_thread = BackgroundThread()
atexit.register(background_thread.flush)


class InProcessRunner:
    def submit(self, name: str, kwargs: dict, task_id: str) -> None:
        work = functools.partial(run, name, kwargs)
        if registered(name).background and settings.RUN_TASKS_IN_BACKGROUND:
            background_thread.submit(work)
        else:
            work()


@functools.cache
def task_runner():
    declared = [config.task_runner for config in apps.get_app_configs() if getattr(config, "task_runner", None)]
    if len(declared) > 1:
        raise ImproperlyConfigured(f"Only one app may declare a task_runner, not {len(declared)}.")
    return import_string(declared[0])() if declared else InProcessRunner()
