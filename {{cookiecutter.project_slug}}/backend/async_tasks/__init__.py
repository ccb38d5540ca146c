# The Celery app is made when Django loads this app, so tasks bind to it in the web process too.
from .celery import app as celery_app

__all__ = ["celery_app"]
