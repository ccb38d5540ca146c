"""Settings for the test suite.

PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set (CI sets them), SQLite and a
local-memory cache otherwise. Cookies and CORS follow production's rules.
"""

import uuid
{%- if cookiecutter.jwt_algorithm == "RS256" %}

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
{%- endif %}

from .base import *  # noqa: F403
from .base import env

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
{%- if cookiecutter.jwt_algorithm == "HS256" %}

JWT_SIGNING_KEY = "test-signing-key-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGH"
JWT_PREVIOUS_SIGNING_KEYS = []
{%- else %}

# A throwaway key per test process.
JWT_PRIVATE_KEY = (
    rsa.generate_private_key(public_exponent=65537, key_size=2048)
    .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    .decode()
)
JWT_PRIVATE_KEY_FILE = ""
JWT_PREVIOUS_PUBLIC_KEY_FILES = []
{%- endif %}

FRONTEND_URL = "https://app.example.test"
CORS_ALLOWED_ORIGINS = [FRONTEND_URL]
CSRF_TRUSTED_ORIGINS = CORS_ALLOWED_ORIGINS
{%- if cookiecutter.use_ip_allowlist == "y" %}
IP_ALLOWLIST = ["127.0.0.0/8", "::1/128"]
{%- endif %}
