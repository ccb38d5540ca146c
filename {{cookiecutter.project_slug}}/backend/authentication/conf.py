"""Authentication settings: one ``AUTH`` dict in the Django settings, read through ``auth_settings``.

Every name, its default and what it is for is listed in ``DEFAULTS`` below; a settings module
sets only what differs. Unknown names are refused, so a typo never silently keeps a default.
Tests change values with ``settings.AUTH = {**settings.AUTH, ...}``; the cache here is reset
whenever ``AUTH`` changes.
"""

from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured

from config.settings_namespace import SettingsNamespace

MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)

# Token lifetimes by profile: access token, refresh token, and the session's absolute cap.
LIFETIME_PROFILES = {
    "standard": {"ACCESS": 15 * MINUTE, "REFRESH": 7 * DAY, "SESSION": 30 * DAY, "SILENT_REFRESH": 5 * MINUTE},
    "high_security": {"ACCESS": 5 * MINUTE, "REFRESH": DAY, "SESSION": DAY, "SILENT_REFRESH": MINUTE},
    "low_risk": {"ACCESS": HOUR, "REFRESH": 30 * DAY, "SESSION": 90 * DAY, "SILENT_REFRESH": 5 * MINUTE},
}

DEFAULTS = {
    # --- Signing keys (authentication.keys). Each key is used with exactly one algorithm (RFC 8725 3.1).
    # HS256 (one shared secret), RS256 (RSA key pair) or EdDSA (Ed25519 key pair).
    "ALGORITHM": "HS256",
    # HS256: the secret that signs, at least 256 bits, never SECRET_KEY (RFC 7518 3.2, RFC 8725 3.5).
    "SIGNING_KEY": "",
    # HS256 secrets retired by a rotation; they verify tokens until those expire.
    "PREVIOUS_SIGNING_KEYS": [],
    # RS256 / EdDSA: the private key that signs, as PEM text or in a PEM file.
    "PRIVATE_KEY": "",
    "PRIVATE_KEY_FILE": "",
    # Public keys (PEM files) retired by a rotation; they verify tokens until those expire.
    "PREVIOUS_PUBLIC_KEY_FILES": [],
    # --- Lifetimes (authentication.token_service). None takes the profile's value.
    "LIFETIME_PROFILE": "standard",
    "ACCESS_TOKEN_LIFETIME": None,
    "REFRESH_TOKEN_LIFETIME": None,
    # A session never outlives this, however often it refreshes (ASVS 5.0 10.4.8).
    "SESSION_ABSOLUTE_LIFETIME": None,
    # Successful API responses carry a new access token when the presented one expires within this.
    "SILENT_REFRESH_THRESHOLD": None,
    # Refreshes of one token within this window, counted from its first rotation, get the same
    # successor instead of tripping reuse detection: two tabs or a retried request (ASVS 5.0 15.4.2).
    "REFRESH_GRACE_PERIOD": timedelta(seconds=5),
    # --- The refresh cookie (authentication.cookies): HttpOnly, sent only to /api/auth/ (ASVS 5.0 3.3).
    "REFRESH_COOKIE_NAME": "__Secure-refresh_token",
    "REFRESH_COOKIE_PATH": "/api/auth/",
    "REFRESH_COOKIE_SECURE": True,
    # Lax when the frontend and the API share a site; None for cross-site deployments.
    "REFRESH_COOKIE_SAMESITE": "Lax",
    "REFRESH_COOKIE_DOMAIN": None,
    # --- Cross-site requests (authentication.csrf): the header every cookie endpoint requires.
    "CSRF_HEADER": ("X-Requested-With", "XMLHttpRequest"),
    # --- Client address (authentication.client_address): networks of our own reverse proxies,
    # whose X-Forwarded-For is believed. Empty: the socket peer is the client.
    "TRUSTED_PROXIES": [],
    # --- Re-authentication (authentication.reauth): a sensitive action (ending every other
    # session, MFA changes) needs the current password, or a sign-in at most this long ago.
    "REAUTHENTICATION_WINDOW": 5 * MINUTE,
    # --- Tamper detection (authentication.tamper): invalid tokens from one address within the
    # window before that address gets 429.
    "TAMPER_THRESHOLD": 20,
    "TAMPER_WINDOW": HOUR,
}


def _resolve_lifetimes(values: dict) -> None:
    """Lifetimes left at None take the profile's."""
    try:
        profile = LIFETIME_PROFILES[values["LIFETIME_PROFILE"]]
    except KeyError:
        names = ", ".join(LIFETIME_PROFILES)
        raise ImproperlyConfigured(f"AUTH LIFETIME_PROFILE must be one of {names}.") from None
    for name, key in [
        ("ACCESS_TOKEN_LIFETIME", "ACCESS"),
        ("REFRESH_TOKEN_LIFETIME", "REFRESH"),
        ("SESSION_ABSOLUTE_LIFETIME", "SESSION"),
        ("SILENT_REFRESH_THRESHOLD", "SILENT_REFRESH"),
    ]:
        if values[name] is None:
            values[name] = profile[key]


auth_settings = SettingsNamespace("AUTH", DEFAULTS, _resolve_lifetimes)
