#!/bin/sh
# Commands of the backend image:
#   serve            gunicorn with gunicorn.conf.py (the default)
#   migrate          apply database migrations, then exit (run once per release, before serve)
{%- if cookiecutter.use_async_tasks == "y" %}
#   worker           the Celery worker, with the schedule that publishes tasks recorded as unsent
{%- endif %}
#   manage ARGS...   any manage.py command, e.g. `manage createsuperuser`
#   anything else    run as given, e.g. `sh`
set -eu

case "${1:-serve}" in
serve)
    exec gunicorn --config gunicorn.conf.py
    ;;
migrate)
    exec python manage.py migrate --noinput
    ;;
{%- if cookiecutter.use_async_tasks == "y" %}
worker)
    # One worker process runs the schedule (--beat); its state file lives in /tmp.
    exec celery -A async_tasks worker --beat --schedule /tmp/celerybeat-schedule \
        --loglevel INFO --concurrency "${WORKER_CONCURRENCY:-2}" --hostname "worker@%h"
    ;;
{%- endif %}
manage)
    shift
    exec python manage.py "$@"
    ;;
*)
    exec "$@"
    ;;
esac
