"""Audit trail settings: one ``AUDIT`` dict in the Django settings, read through ``audit_settings``."""

from datetime import timedelta

from config.settings_namespace import SettingsNamespace

DEFAULTS = {
    # Events older than this are deleted by ``manage.py prune_audit_trail`` (run it daily).
    "RETENTION": timedelta(days=180),
    # The security events kept here: what happens to accounts and sessions. An optional app adds
    # its own by declaring ``audited_events`` on its AppConfig.
    # Every event is in the log; frequent ones about no account in particular (a throttled request,
    # a rotated refresh token, each forged token) stay there only.
    "EVENTS": [
        "signup",
        "signup_refused",
        "email_verified",
        "login_succeeded",
        "login_failed",
        "login_refused",
        "logout",
        "reauthenticated",
        "reauthentication_failed",
        "refresh_reuse_detected",
        "session_ended",
        "other_sessions_ended",
        "sessions_revoked",
        "password_changed",
        "password_reset_requested",
        "password_reset",
        "email_change_requested",
        "email_changed",
        "mfa_enabled",
        "mfa_disabled",
        "mfa_reset",
        "mfa_failed",
        "mfa_recovery_code_used",
        "recovery_codes_replaced",
    ],
    # How many of their own events a user sees through /api/account/activity/.
    "ACTIVITY_LIMIT": 50,
}

audit_settings = SettingsNamespace("AUDIT", DEFAULTS)
