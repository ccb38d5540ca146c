"""Local development: DEBUG on, plain HTTP, SQLite and an in-memory cache unless told otherwise."""

from pathlib import Path

import environ

# Values in backend/.env (written with fresh secrets when the project was generated) fill in
# whatever the real environment does not set.
environ.Env.read_env(Path(__file__).resolve().parent.parent.parent / ".env")

from .base import *  # noqa: E402, F403
from .base import BASE_DIR, env, require_env  # noqa: E402

DEBUG = True
SECRET_KEY = require_env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock at BEGIN, so refresh-token rotation stays atomic on SQLite too.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

if env("REDIS_URL", default=""):
    CACHES["default"]["LOCATION"] = env("REDIS_URL")  # noqa: F405
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Plain HTTP on localhost: no Secure flag, so no __Secure- prefix either.
AUTH.update(REFRESH_COOKIE_NAME="refresh_token", REFRESH_COOKIE_SECURE=False)  # noqa: F405

# The Next.js dev server. Use the same host name for both (localhost) so cookies stay same-site.
FRONTEND_URL = env("FRONTEND_URL", default="http://localhost:3000")
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=["http://localhost:3000", "http://127.0.0.1:3000"])
CSRF_TRUSTED_ORIGINS = CORS_ALLOWED_ORIGINS
