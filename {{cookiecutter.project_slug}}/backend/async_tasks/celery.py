"""The Celery app: ``celery -A async_tasks worker --beat`` runs the worker (see the README).

Tasks are acknowledged only once they have run (``acks_late``), and a worker that dies mid-task
gives it back (``reject_on_worker_lost``): nothing a worker took is lost. Every task runs once,
however often it is delivered (async_tasks.tasks).
"""

import os

from celery import Celery
from django.core.signals import setting_changed
from kombu import pools

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("tasks")


def configure(app: Celery) -> None:
    from .conf import async_settings

    app.conf.update(
        broker_url=async_settings.BROKER_URL or "memory://",
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=async_settings.PUBLISH_TIMEOUT.total_seconds(),
        broker_transport_options={
            "visibility_timeout": int(async_settings.VISIBILITY_TIMEOUT.total_seconds()),
            "socket_connect_timeout": async_settings.PUBLISH_TIMEOUT.total_seconds(),
            "socket_timeout": async_settings.PUBLISH_TIMEOUT.total_seconds() * 2,
        },
        task_default_queue=async_settings.QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        beat_schedule={
            "resend-unsent-tasks": {
                "task": "async_tasks.resend_unsent",
                "schedule": async_settings.RESEND_UNSENT_EVERY.total_seconds(),
            },
            "forget-old-completed-tasks": {"task": "async_tasks.forget_completed", "schedule": 3600.0},
        },
    )


configure(app)
app.autodiscover_tasks(["async_tasks"])


def reconfigure(setting: str, **kwargs) -> None:
    """Tests change ASYNC_TASKS: configure again, and drop connections made with the old broker."""
    if setting == "ASYNC_TASKS":
        configure(app)
        pools.reset()  # closes the connections to the old broker
        app._after_fork()  # forgets the app's connection and producer pools, as after a fork
        app.__dict__.pop("amqp", None)  # and the queues and routes built from the old settings


setting_changed.connect(reconfigure, weak=False)
