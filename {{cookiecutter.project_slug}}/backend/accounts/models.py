from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The project's user model, custom from the start so it can grow without a painful migration."""
