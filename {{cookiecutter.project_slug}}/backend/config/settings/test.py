"""Settings for the test suite.

PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set (CI sets them), SQLite and a
local-memory cache otherwise. Cookies and CORS follow production's rules.
"""

import uuid

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from .base import *  # noqa: F403
from .base import AUTH, env

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

DATABASES = {"default": env.db("DATABASE_URL", default="sqlite://:memory:")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE"}

if env("REDIS_URL", default=""):
    CACHES["default"]["LOCATION"] = env("REDIS_URL")  # noqa: F405
    # A prefix of its own per run, so parallel runs never share counters.
    CACHES["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"  # noqa: F405
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Hashing strength is not under test; speed is.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _pem(private_key) -> str:
    encoding, private_format = serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8
    return private_key.private_bytes(encoding, private_format, serialization.NoEncryption()).decode()


# Throwaway keys per test process, one for each asymmetric algorithm; tests switch algorithms.
TEST_PRIVATE_KEYS = {
    "RS256": _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048)),
    "EdDSA": _pem(ed25519.Ed25519PrivateKey.generate()),
}
AUTH.update(
    SIGNING_KEY="test-signing-key-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    PREVIOUS_SIGNING_KEYS=[],
    PRIVATE_KEY=TEST_PRIVATE_KEYS.get(AUTH["ALGORITHM"], ""),
    PRIVATE_KEY_FILE="",
    PREVIOUS_PUBLIC_KEY_FILES=[],
)

# Mail stays in django.core.mail.outbox, delivered as soon as the transaction commits: background
# tasks run in the request, after the commit (config.deferred).
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if env("EMAIL_URL", default=""):  # a test's worker process, sending to that test's SMTP server
    vars().update(env.email_url("EMAIL_URL"))
RUN_TASKS_IN_BACKGROUND = False
{%- if cookiecutter.use_async_tasks == "y" %}
# Tasks run in the test process, unless a test names a broker (async_tasks/tests run a real worker).
ASYNC_TASKS = {**ASYNC_TASKS, "BROKER_URL": env("CELERY_BROKER_URL", default="")}  # noqa: F405
{%- endif %}

FRONTEND_URL = "https://app.example.test"
CORS_ALLOWED_ORIGINS = [FRONTEND_URL]
CSRF_TRUSTED_ORIGINS = CORS_ALLOWED_ORIGINS
