"""Staging: production's rules, served from the staging. subdomains."""

from .base import DOMAIN_NAME, env
from .production import *  # noqa: F403

FRONTEND_URL = env("FRONTEND_URL", default=f"https://staging.{DOMAIN_NAME}")
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[FRONTEND_URL])
CSRF_TRUSTED_ORIGINS = CORS_ALLOWED_ORIGINS
