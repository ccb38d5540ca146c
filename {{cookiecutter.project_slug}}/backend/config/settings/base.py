"""Settings shared by every environment.

Each environment module (local, staging, production, test) imports this one
and overrides what differs. Values come from environment variables through
django-environ; see the ``.env.*.example`` files for the full list.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()


def seconds(name: str, default: int | None = None) -> timedelta | None:
    """A duration given in seconds by an environment variable; None when unset and no default."""
    value = env.int(name, default=default)
    return None if value is None else timedelta(seconds=value)


def require_env(name: str) -> str:
    """Return a variable that this environment cannot run without, or refuse to start."""
    value = env(name, default="")
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} is required in this environment.")
    return value


PROJECT_NAME = "{{ cookiecutter.project_name }}"
DOMAIN_NAME = "{{ cookiecutter.domain_name }}"
# The web app's origin (scheme, host and port): the admin's "View site" link and the default CORS origin.
FRONTEND_URL = env("FRONTEND_URL", default=f"https://{DOMAIN_NAME}")

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # accounts before authentication, whose admin extends the user admin.
    "accounts",
    "authentication",
    # Security events kept in the database, and the user's own activity.
    "audit",
    # Second factors: TOTP and recovery codes.
    "mfa",
    # Optional features, one app each (authentication/features.py says what each may add).
{%- for flag, feature in cookiecutter._features.items() if cookiecutter[flag] == "y" %}
    "{{ feature.app }}",
{%- endfor %}
]

MIDDLEWARE = [
    "config.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
{%- for flag, feature in cookiecutter._features.items() if cookiecutter[flag] == "y" and feature.get("middleware") %}
    "{{ feature.middleware }}",
{%- endfor %}
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "authentication.silent_refresh.SilentRefreshMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The database is set per environment. The cache is shared by every worker: throttles and
# tamper counters must see all requests (a per-process cache would not).
CACHES = {
    "default": {
        # django-redis, behind a circuit breaker (config.cache): after 3 failed calls in a row a
        # process skips Redis for 5 seconds at a time, so a hung Redis costs seconds once.
        "BACKEND": "config.cache.SharedCache",
        "LOCATION": env("REDIS_URL", default=""),
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="{{ cookiecutter.project_slug }}"),
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        "CIRCUIT_BREAKER": {
            "FAILURES": env.int("CACHE_CIRCUIT_FAILURES", default=3),
            "COOLDOWN": env.float("CACHE_CIRCUIT_COOLDOWN", default=5.0),
        },
    }
}

# Passwords (NIST SP 800-63B-4 3.1.1.2, ASVS 5.0 6.2): at least 15 characters, since a password is
# this project's only sign-in factor; any characters and up to 4096 of them, no composition rules;
# not a common password, nor too close to the username or email address. PASSWORD_BREACH_CHECK
# adds a breached-password check (accounts.passwords), off by default: it needs the network.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 15}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if env.bool("PASSWORD_BREACH_CHECK", default=False):
    AUTH_PASSWORD_VALIDATORS.append(
        {
            "NAME": "accounts.passwords.BreachedPasswordValidator",
            "OPTIONS": {"range_api": env("PASSWORD_BREACH_RANGE_API", default="https://api.pwnedpasswords.com/range/")},
        }
    )
# A reset link lives an hour; a new password or a new sign-in spends it sooner (accounts.links).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)

# Email: one EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.com:587, consolemail:// (printed
# by the server) or filemail:///path/to/folder. Staging and production require it.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=f"{PROJECT_NAME} <no-reply@{DOMAIN_NAME}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks (email, audit records, alerts) run after the transaction commits, on a thread of
# the web process so no response waits for them (config.deferred){% if cookiecutter.use_async_tasks == "y" %}, or in the Celery worker when
# CELERY_BROKER_URL (or REDIS_URL) names a broker (async_tasks){% endif %}.
RUN_TASKS_IN_BACKGROUND = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# Request bodies: the API accepts small JSON documents only.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["authentication.access.AccessTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["config.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": [
        "authentication.throttles.AnonRateThrottle",
        "authentication.throttles.UserRateThrottle",
    ],
    # Sign-in is limited per client address and per username (ASVS 5.0 6.3.1).
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_RATE_ANON", default="120/minute"),
        "user": env("THROTTLE_RATE_USER", default="1200/minute"),
        "login": env("THROTTLE_RATE_LOGIN", default="5/minute"),
        "login_username": env("THROTTLE_RATE_LOGIN_USERNAME", default="5/minute"),
        # Password checks of a signed-in user (re-authentication), per account.
        "reauthenticate": env("THROTTLE_RATE_REAUTHENTICATE", default="5/minute"),
        # Second-step codes (MFA), per client address and per account.
        "mfa": env("THROTTLE_RATE_MFA", default="10/minute"),
        "mfa_account": env("THROTTLE_RATE_MFA_ACCOUNT", default="5/minute"),
{%- if cookiecutter.use_passkeys == "y" %}
        # Passkey sign-ins (two requests each), per client address.
        "passkey": env("THROTTLE_RATE_PASSKEY", default="20/minute"),
{%- endif %}
        # Account email (sign-up, resend, reset, email change): per client address, and per address mailed.
        "account_mail": env("THROTTLE_RATE_ACCOUNT_MAIL", default="20/hour"),
        "account_mail_target": env("THROTTLE_RATE_ACCOUNT_MAIL_TARGET", default="5/hour"),
        # Links' tokens presented (verify, reset, confirm a change), per client address.
        "account_link": env("THROTTLE_RATE_ACCOUNT_LINK", default="30/hour"),
    },
    "EXCEPTION_HANDLER": "config.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "{{ cookiecutter.project_name }} API",
    "DESCRIPTION": "{{ cookiecutter.description }}",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # /api/docs/ and /api/redoc/ load their scripts from our own static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI would send the schema's URL to validator.swagger.io from a deployed docs page.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}

# --- Authentication -----------------------------------------------------------
# Every name, its default and its purpose: authentication/conf.py. Only what differs is set here.
AUTH = {
    # HS256, RS256 or EdDSA; the project was generated for {{ cookiecutter.jwt_algorithm }}.
    "ALGORITHM": env("JWT_ALGORITHM", default="{{ cookiecutter.jwt_algorithm }}"),
    "SIGNING_KEY": env("JWT_SIGNING_KEY", default=""),
    "PREVIOUS_SIGNING_KEYS": env.list("JWT_PREVIOUS_SIGNING_KEYS", default=[]),
    "PRIVATE_KEY": env("JWT_PRIVATE_KEY", default="").replace("\\n", "\n"),
    "PRIVATE_KEY_FILE": env("JWT_PRIVATE_KEY_FILE", default=""),
    "PREVIOUS_PUBLIC_KEY_FILES": env.list("JWT_PREVIOUS_PUBLIC_KEY_FILES", default=[]),
    # standard, high_security or low_risk; each lifetime below overrides the profile's, in seconds.
    "LIFETIME_PROFILE": env("JWT_LIFETIME_PROFILE", default="{{ cookiecutter.token_lifetime_profile }}"),
    "ACCESS_TOKEN_LIFETIME": seconds("JWT_ACCESS_TOKEN_LIFETIME"),
    "REFRESH_TOKEN_LIFETIME": seconds("JWT_REFRESH_TOKEN_LIFETIME"),
    "SESSION_ABSOLUTE_LIFETIME": seconds("JWT_SESSION_ABSOLUTE_LIFETIME"),
    "SILENT_REFRESH_THRESHOLD": seconds("JWT_SILENT_REFRESH_THRESHOLD"),
    "REFRESH_GRACE_PERIOD": seconds("JWT_REFRESH_GRACE_SECONDS", default=5),
    "REFRESH_COOKIE_SAMESITE": env("REFRESH_COOKIE_SAMESITE", default="Lax"),
    "REFRESH_COOKIE_DOMAIN": env("REFRESH_COOKIE_DOMAIN", default=None),
    "TRUSTED_PROXIES": env.list("TRUSTED_PROXIES", default=[]),
    "TAMPER_THRESHOLD": env.int("TAMPER_THRESHOLD", default=20),
}
# simplejwt supplies the token classes; authentication.keys signs and verifies. This only keeps
# simplejwt from ever signing with SECRET_KEY should anything ask it to.
SIMPLE_JWT = {"SIGNING_KEY": None}

# --- Accounts -------------------------------------------------------------------------
# Every name, its default and its purpose: accounts/conf.py.
ACCOUNTS = {
    # false closes sign-up: accounts are then made in the admin (or by a management command).
    "SIGNUP_OPEN": env.bool("SIGNUP_OPEN", default=True),
    # mandatory: an account signs in once its address is verified; optional: at once.
    "EMAIL_VERIFICATION": env("EMAIL_VERIFICATION", default="mandatory"),
    # Staff alerts (an address blocked for forged tokens) go here; empty: to every superuser.
    "SECURITY_ALERT_RECIPIENTS": env.list("SECURITY_ALERT_RECIPIENTS", default=[]),
}

# --- Multi-factor authentication (mfa) -------------------------------------------------
# Every name, its default and its purpose: mfa/conf.py.
MFA = {
    # none, staff or all: who must sign in with a second factor.
    "REQUIRED": env("MFA_REQUIRED", default="none"),
    # Keys that encrypt TOTP secrets at rest (`manage.py generate_mfa_key`); empty: from SECRET_KEY.
    "ENCRYPTION_KEYS": env.list("MFA_ENCRYPTION_KEYS", default=[]),
}

# --- Audit trail -------------------------------------------------------------------------
# Every name, its default and its purpose: audit/conf.py.
AUDIT = {"RETENTION": timedelta(days=env.int("AUDIT_RETENTION_DAYS", default=180))}

# --- CORS -----------------------------------------------------------------------
CORS_ALLOWED_ORIGINS: list[str] = []
CORS_ALLOW_CREDENTIALS = True
# The web client reads silent-refresh tokens from this header (authentication.silent_refresh).
CORS_EXPOSE_HEADERS = ["X-New-Access-Token"]
CORS_URLS_REGEX = r"^/api/.*$"
{%- if cookiecutter.use_async_tasks == "y" %}

# --- Async tasks (async_tasks) ---------------------------------------------------------
# Every name, its default and its purpose: async_tasks/conf.py. Without a broker, deferred work
# runs in the web process (local development without Redis).
ASYNC_TASKS = {
    "BROKER_URL": env("CELERY_BROKER_URL", default=env("REDIS_URL", default="")),
    "QUEUE": env("CELERY_QUEUE", default="tasks"),
    # Seconds before a task taken by a worker that died is handed out again: longer than any task runs.
    "VISIBILITY_TIMEOUT": seconds("CELERY_VISIBILITY_TIMEOUT", 600),
}
{%- endif %}
{%- if cookiecutter.use_passkeys == "y" %}

# --- Passkeys (passkeys) ---------------------------------------------------------------
# Every name, its default and its purpose: passkeys/conf.py. Empty: each environment's frontend
# (FRONTEND_URL) is the one origin, and its host the relying party.
PASSKEYS = {
    "RP_ID": env("PASSKEYS_RP_ID", default=""),
    "ORIGINS": env.list("PASSKEYS_ORIGINS", default=[]),
}
{%- endif %}
{%- if cookiecutter.use_ip_allowlist == "y" %}

# --- IP allowlist (ip_allowlist) -------------------------------------------------
# Client networks (CIDR, IPv4 and IPv6) allowed to reach /api/; required in staging and production.
IP_ALLOWLIST = env.list("IP_ALLOWLIST", default=["127.0.0.0/8", "::1/128"])
{%- endif %}

# --- Logging ------------------------------------------------------------------
# Security events are JSON lines on stdout, for the platform's log collector. SECURITY_LOG_FILE
# also appends them to a file: several worker processes can share it, and logrotate may move it
# (the handler reopens it); nothing in the process rotates it, so no line is lost to a rotation.
SECURITY_LOG_FILE = env("SECURITY_LOG_FILE", default="")
LOG_HANDLERS = {"console": {"class": "logging.StreamHandler", "formatter": "json"}}
if SECURITY_LOG_FILE:
    LOG_HANDLERS["security_file"] = {
        "class": "config.logging.SharedLogFile",
        "filename": SECURITY_LOG_FILE,
        "formatter": "json",
    }
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "pythonjsonlogger.json.JsonFormatter", "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": LOG_HANDLERS,
    "loggers": {
        "security": {"handlers": list(LOG_HANDLERS), "level": "INFO", "propagate": False},
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}
