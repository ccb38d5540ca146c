"""Account changes that end sessions: deactivation revokes every session (ASVS 5 7.4.2).

Deleting a user deletes their families, which rejects their access tokens as well.
"""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from .token_service import revoke_user_sessions


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def revoke_sessions_of_deactivated_user(sender, instance, created: bool, **kwargs) -> None:
    if not created and not instance.is_active:
        revoke_user_sessions(instance, "user_deactivated")
