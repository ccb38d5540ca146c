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
    "accounts",
    "authentication",
{%- if cookiecutter.use_ip_allowlist == "y" %}
    "ip_allowlist",
{%- endif %}
{%- if cookiecutter.use_token_cache == "y" %}
    "token_cache",
{%- endif %}
]

MIDDLEWARE = [
    "config.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
{%- if cookiecutter.use_ip_allowlist == "y" %}
    "ip_allowlist.middleware.IPAllowlistMiddleware",
{%- endif %}
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
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": env("REDIS_URL", default=""),
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="{{ cookiecutter.project_slug }}"),
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# Request bodies: the API accepts small JSON documents only.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
{%- if cookiecutter.use_token_cache == "y" %}
        "token_cache.authentication.CachedAccessTokenAuthentication",
{%- else %}
        "authentication.access.AccessTokenAuthentication",
{%- endif %}
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["config.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": [
        "authentication.throttles.AnonRateThrottle",
        "authentication.throttles.UserRateThrottle",
    ],
    # SPEC: login is limited per client address and per username (OWASP ASVS 5 6.3.1).
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_RATE_ANON", default="120/minute"),
        "user": env("THROTTLE_RATE_USER", default="1200/minute"),
        "login": env("THROTTLE_RATE_LOGIN", default="5/minute"),
        "login_username": env("THROTTLE_RATE_LOGIN_USERNAME", default="5/minute"),
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

# --- Tokens -----------------------------------------------------------------
# Lifetimes of the "{{ cookiecutter.token_lifetime_profile }}" profile; each can be overridden in seconds.
ACCESS_TOKEN_LIFETIME = timedelta(seconds=env.int("JWT_ACCESS_TOKEN_LIFETIME", default={{ {"standard": "15 * 60", "high_security": "5 * 60", "low_risk": "60 * 60"}[cookiecutter.token_lifetime_profile] }}))
REFRESH_TOKEN_LIFETIME = timedelta(seconds=env.int("JWT_REFRESH_TOKEN_LIFETIME", default={{ {"standard": "7 * 24 * 60 * 60", "high_security": "24 * 60 * 60", "low_risk": "30 * 24 * 60 * 60"}[cookiecutter.token_lifetime_profile] }}))
# A session (refresh session) never outlives this, however often it refreshes (ASVS 5 10.4.8).
SESSION_ABSOLUTE_LIFETIME = timedelta(
    seconds=env.int("JWT_SESSION_ABSOLUTE_LIFETIME", default={{ {"standard": "30 * 24 * 60 * 60", "high_security": "24 * 60 * 60", "low_risk": "90 * 24 * 60 * 60"}[cookiecutter.token_lifetime_profile] }}),
)
# Refreshes of the same token within this window, counted from its first rotation, get the same
# successor instead of tripping reuse detection: two tabs or a retried request (ASVS 5 15.4.2).
REFRESH_GRACE_PERIOD = timedelta(seconds=env.int("JWT_REFRESH_GRACE_SECONDS", default=5))
# Successful API responses carry a new access token when the presented one expires within this.
SILENT_REFRESH_THRESHOLD = timedelta(seconds=env.int("JWT_SILENT_REFRESH_THRESHOLD", default={{ {"standard": "5 * 60", "high_security": "60", "low_risk": "5 * 60"}[cookiecutter.token_lifetime_profile] }}))

JWT_ALGORITHM = "{{ cookiecutter.jwt_algorithm }}"
{%- if cookiecutter.jwt_algorithm == "HS256" %}
# The signing key is separate from SECRET_KEY and at least 256 bits (RFC 7518 3.2, RFC 8725 3.5).
JWT_SIGNING_KEY = env("JWT_SIGNING_KEY", default="")
# Keys retired by a rotation keep verifying tokens until those expire.
JWT_PREVIOUS_SIGNING_KEYS = env.list("JWT_PREVIOUS_SIGNING_KEYS", default=[])
{%- else %}
# RSA private key (PEM) that signs tokens: the variable itself, or a file that holds it.
JWT_PRIVATE_KEY = env("JWT_PRIVATE_KEY", default="").replace("\\n", "\n")
JWT_PRIVATE_KEY_FILE = env("JWT_PRIVATE_KEY_FILE", default="")
# Public keys (PEM files) retired by a rotation keep verifying tokens until those expire.
JWT_PREVIOUS_PUBLIC_KEY_FILES = env.list("JWT_PREVIOUS_PUBLIC_KEY_FILES", default=[])
{%- endif %}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": ACCESS_TOKEN_LIFETIME,
    "REFRESH_TOKEN_LIFETIME": REFRESH_TOKEN_LIFETIME,
    "ALGORITHM": JWT_ALGORITHM,
    # Tokens are signed and verified by authentication.keys; this only stops simplejwt from
    # ever falling back to SECRET_KEY.
    "SIGNING_KEY": None,
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "AUTH_HEADER_TYPES": ("Bearer",),
    "UPDATE_LAST_LOGIN": False,
}

# Values that tie a session's tokens to the client it was issued to (see authentication.bindings).
AUTH_CLIENT_BINDINGS = [{% if cookiecutter.use_fingerprinting == "y" %}"authentication.fingerprint.FingerprintBinding"{% endif %}]

# --- Refresh cookie, CORS and CSRF -------------------------------------------
# Browsers get the refresh token only in this HttpOnly cookie (ASVS 5 3.3.4), sent only to /api/auth/.
REFRESH_COOKIE_NAME = "__Secure-refresh_token"
REFRESH_COOKIE_PATH = "/api/auth/"
REFRESH_COOKIE_SECURE = True
REFRESH_COOKIE_SAMESITE = env("REFRESH_COOKIE_SAMESITE", default="Lax")
REFRESH_COOKIE_DOMAIN = env("REFRESH_COOKIE_DOMAIN", default=None)

CORS_ALLOWED_ORIGINS: list[str] = []
CORS_ALLOW_CREDENTIALS = True
# The client reads the silent-refresh token from this header (SPEC 3.2).
CORS_EXPOSE_HEADERS = ["X-New-Access-Token"]
CORS_URLS_REGEX = r"^/api/.*$"
# Cookie-authenticated endpoints also require this header, which no cross-site form can send
# and which forces a CORS preflight (OWASP CSRF Prevention, "Custom Request Headers").
CSRF_HEADER_NAME_FOR_API = "X-Requested-With"
CSRF_HEADER_VALUE_FOR_API = "XMLHttpRequest"

# Networks of reverse proxies whose X-Forwarded-For is believed (empty: use the socket peer).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# Invalid (not merely expired) tokens from one address within an hour before answering 429.
TAMPER_THRESHOLD = env.int("TAMPER_THRESHOLD", default=20)
TAMPER_WINDOW = timedelta(hours=1)
{%- if cookiecutter.use_fingerprinting == "y" %}

# --- Fingerprinting (OWASP JWT cheat sheet, "Token Sidejacking") -------------
FINGERPRINT_COOKIE_NAME = "__Host-fingerprint"
FINGERPRINT_COOKIE_SECURE = True
FINGERPRINT_HEADER = "X-Fingerprint"
{%- endif %}
{%- if cookiecutter.use_ip_allowlist == "y" %}

# --- IP allowlist -------------------------------------------------------------
# Client networks (CIDR, IPv4 and IPv6) allowed to reach the API.
IP_ALLOWLIST = env.list("IP_ALLOWLIST", default=[])
IP_ALLOWLIST_PATH_PREFIX = "/api/"
{%- endif %}
{%- if cookiecutter.use_token_cache == "y" %}

# --- Token cache --------------------------------------------------------------
TOKEN_CACHE_KEY_PREFIX = "token-cache"
{%- endif %}

# --- Logging ------------------------------------------------------------------
SECURITY_LOG_DIR = Path(env("SECURITY_LOG_DIR", default=str(BASE_DIR / "logs")))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "pythonjsonlogger.json.JsonFormatter", "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json"},
        "security_file": {
            "class": "config.logging.RotatingFileHandlerInFolder",
            "filename": str(SECURITY_LOG_DIR / "security.log"),
            "maxBytes": 10 * 1024 * 1024,
            "backupCount": 5,
            "formatter": "json",
        },
    },
    "loggers": {
        "security": {"handlers": ["console", "security_file"], "level": "INFO", "propagate": False},
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}
