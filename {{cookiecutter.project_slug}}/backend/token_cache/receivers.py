"""Keep the token cache behind revocation: every revoked or deleted session is marked at once."""

import logging

from django.db.models.signals import post_delete
from django.dispatch import receiver

from authentication.models import Session
from authentication.token_service import sessions_revoked

from . import store

logger = logging.getLogger(__name__)


def _forget(session_ids) -> None:
    try:
        store.forget_sessions(session_ids)
    except store.CacheUnavailable:
        logger.error("revoked sessions could not be marked in the token cache: %s", list(map(str, session_ids)))


@receiver(sessions_revoked)
def forget_revoked_sessions(sender, session_ids, **kwargs) -> None:
    _forget(session_ids)


@receiver(post_delete, sender=Session)
def forget_deleted_session(sender, instance, **kwargs) -> None:
    _forget([instance.pk])
