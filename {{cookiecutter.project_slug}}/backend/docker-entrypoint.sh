#!/bin/sh
# Commands of the backend image:
#   serve            gunicorn with gunicorn.conf.py (the default)
#   migrate          apply database migrations, then exit (run once per release, before serve)
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
manage)
    shift
    exec python manage.py "$@"
    ;;
*)
    exec "$@"
    ;;
esac
