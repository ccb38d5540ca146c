"""Account changes that end sessions.

Deactivation revokes every session (ASVS 5.0 7.4.2) and so does a new password, wherever it
is set (API, admin, ``manage.py changepassword``; ASVS 5.0 7.4.3). Deleting a user deletes
their sessions, which rejects their access tokens as well. Bulk ``QuerySet.update()`` calls
send no signals: end sessions with ``revoke_user_sessions`` after them.
"""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from .token_service import revoke_user_sessions


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def revoke_sessions_after_account_change(sender, instance, created: bool, **kwargs) -> None:
    if created:
        return
    if not instance.is_active:
        revoke_user_sessions(instance, "user_deactivated")
    # set_password() keeps the new raw password here until save() has finished.
    elif getattr(instance, "_password", None) is not None:
        revoke_user_sessions(instance, "password_change")
