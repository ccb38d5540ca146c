from django.apps import AppConfig


class AsyncTasksConfig(AppConfig):
    name = "async_tasks"
    verbose_name = "Async tasks"
    # Deferred work (config.deferred) runs in a Celery worker (async_tasks.runner).
    task_runner = "async_tasks.runner.CeleryRunner"
