from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class AccountManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # An operator creates superusers by hand (manage.py createsuperuser): their address is theirs.
        extra_fields.setdefault("email_verified_at", timezone.now())
        return super().create_superuser(username, email, password, **extra_fields)

    def with_email(self, email: str) -> models.QuerySet:
        """Accounts with this address, compared case-insensitively (at most one: see the constraint)."""
        return self.filter(email__iexact=email) if email else self.none()


class User(AbstractUser):
    """The project's user model, custom from the start so it can grow without a painful migration.

    An email address belongs to at most one account, whatever its case. ``email_verified_at``
    is when the owner last proved they read mail sent to ``email`` (a link followed); None until
    then. With ``ACCOUNTS["EMAIL_VERIFICATION"] = "mandatory"`` (the default) such an account
    cannot sign in.
    """

    email_verified_at = models.DateTimeField("email verified at", null=True, blank=True)

    objects = AccountManager()

    class Meta(AbstractUser.Meta):
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_unique_ci",
                condition=~models.Q(email=""),
                violation_error_message="An account with this email address already exists.",
            )
        ]

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None
