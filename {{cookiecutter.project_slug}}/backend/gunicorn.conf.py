"""Gunicorn settings for the container image; every value can be overridden from the environment.

gunicorn reads this file by default when started from this folder.
Reference: https://docs.gunicorn.org/en/stable/settings.html
"""

import os

wsgi_app = "config.wsgi:application"

bind = [f"0.0.0.0:{os.environ.get('PORT', '8000')}"]


def default_workers() -> int:
    # 2 x cores + 1 is gunicorn's rule of thumb; the cap keeps a large host from exhausting
    # the database's connections. sched_getaffinity honours a container's CPU set.
    return min(2 * len(os.sched_getaffinity(0)) + 1, 8)


workers = int(os.environ.get("WEB_CONCURRENCY", default_workers()))
# Import the application once in the master and fork workers from it: a recycled worker (see
# max_requests) is serving again at once instead of importing Django anew. Database and cache
# connections are opened lazily, so each worker still gets its own.
preload_app = True
# A request slower than this is killed and its worker replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Time for in-flight requests to finish after SIGTERM (docker stop waits 10 s by default).
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))
# Longer than a load balancer's idle timeout would close connections under it; shorter ties up workers.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so a slow leak never grows unbounded. A jitter of up to half the
# limit spreads the restarts: with a small one, evenly loaded workers restart (and boot) together,
# and every request waits until they are back.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 2))

# Proxies (addresses or CIDR networks) whose X-Forwarded-* headers gunicorn believes.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Heartbeat files in memory: a container's overlay filesystem can stall workers. Only the worker
# processes write there, so a shared temporary folder is no risk here.
worker_tmp_dir = "/dev/shm"  # noqa: S108
# No runtime control socket: it would need a writable home, and containers are managed from outside.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
