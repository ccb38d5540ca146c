"""Keep the token cache behind revocation and account changes: every revoked or deleted session,
and every session of a user whose cached fields change, is marked at once."""

import logging

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from authentication.models import Session
from authentication.token_service import sessions_revoked
from config.cache import cache_failed

from . import store
from .models import UnmarkedRevocation

logger = logging.getLogger(__name__)


def _forget(session_ids) -> None:
    try:
        store.forget_sessions(session_ids)
    except store.CacheUnavailable:
        # Kept in the database; written to the cache once it answers again (store.write_missed_markers).
        UnmarkedRevocation.objects.bulk_create(UnmarkedRevocation(session_id=session_id) for session_id in session_ids)
        logger.error("revoked sessions could not be marked in the token cache: %s", list(map(str, session_ids)))


@receiver(cache_failed)
def distrust_the_cache(sender, **kwargs) -> None:
    """Any failure of the shared cache (even a read) may mean revocations it missed."""
    store.markers_may_be_missing()


@receiver(sessions_revoked)
def forget_revoked_sessions(sender, session_ids, **kwargs) -> None:
    _forget(session_ids)


@receiver(post_delete, sender=Session)
def forget_deleted_session(sender, instance, **kwargs) -> None:
    _forget([instance.pk])


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def forget_sessions_of_a_changed_user(sender, instance, created: bool, update_fields=None, **kwargs) -> None:
    if created or (update_fields is not None and not set(update_fields) & set(store.USER_FIELDS)):
        return  # a new account has no session; a sign-in only writes last_login
    live = Session.objects.filter(user=instance, revoked_at=None, absolute_expires_at__gt=timezone.now())
    session_ids = list(live.values_list("pk", flat=True))
    if session_ids:
        _forget(session_ids)
