"""Async task settings: one ``ASYNC_TASKS`` dict in the Django settings, read through ``async_settings``."""

from datetime import timedelta

from config.settings_namespace import SettingsNamespace

DEFAULTS = {
    # The Celery broker (Redis). Empty: deferred work runs in the web process, as without this app.
    "BROKER_URL": "",
    # The queue this project's tasks use on the broker.
    "QUEUE": "tasks",
    # A task a worker took but never acknowledged (the worker died) is handed out again after this.
    "VISIBILITY_TIMEOUT": timedelta(minutes=10),
    # Publishing gives up after this long (the broker is down or unreachable) ...
    "PUBLISH_TIMEOUT": timedelta(seconds=1),
    # ... and then skips the broker for this long, recording each task as unsent at once.
    "BROKER_COOLDOWN": timedelta(seconds=30),
    # How often the worker publishes the tasks recorded as unsent.
    "RESEND_UNSENT_EVERY": timedelta(seconds=30),
    # A failing task is retried this many times, with exponential backoff up to RETRY_BACKOFF_MAX;
    # then it is recorded as failed (visible in the admin) rather than dropped.
    "MAX_RETRIES": 8,
    "RETRY_BACKOFF_MAX": timedelta(minutes=10),
    # Completed task ids are kept this long, so a late duplicate of a task is recognised.
    "COMPLETED_RETENTION": timedelta(days=7),
}

async_settings = SettingsNamespace("ASYNC_TASKS", DEFAULTS)
