"""Request and response bodies of the account endpoints (also the OpenAPI schema)."""

from django.contrib.auth.validators import UnicodeUsernameValidator
from rest_framework import serializers

from config.api import StringField

# Long passphrases are welcome (NIST SP 800-63B-4 3.1.1.2 asks for at least 64 characters); this
# only bounds the work one request can ask of the password hasher.
PASSWORD_MAX_LENGTH = 4096


class UserSerializer(serializers.Serializer):
    """What the API tells a client about the signed-in user.

    Declared field by field rather than as a ModelSerializer: it is rendered on every
    ``/api/me/`` and every refresh, and a ModelSerializer builds its fields from the model on
    each use, which took about a fifth of an authenticated ``/api/me/`` request's time.
    """

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
    email_verified = serializers.BooleanField(read_only=True)


class EmailField(serializers.EmailField):
    """An email address that must be a JSON string; stored as given, compared case-insensitively."""

    def __init__(self, **kwargs) -> None:
        super().__init__(max_length=254, **kwargs)

    def to_internal_value(self, data) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def password_field() -> StringField:
    return StringField(max_length=PASSWORD_MAX_LENGTH, trim_whitespace=False, write_only=True)


class SignupSerializer(serializers.Serializer):
    username = StringField(max_length=150, validators=[UnicodeUsernameValidator()])
    email = EmailField()
    password = password_field()


class EmailSerializer(serializers.Serializer):
    email = EmailField()


class LinkTokenSerializer(serializers.Serializer):
    token = StringField(max_length=1024, trim_whitespace=False)


class PasswordResetConfirmSerializer(LinkTokenSerializer):
    new_password = password_field()


class EmailChangeSerializer(serializers.Serializer):
    new_email = EmailField()
    current_password = password_field()


class AcceptedSerializer(serializers.Serializer):
    detail = serializers.CharField()


class EmailChangedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    email = serializers.EmailField()
