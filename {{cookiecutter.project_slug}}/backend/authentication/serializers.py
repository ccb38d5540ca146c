"""Request and response bodies of the auth endpoints (also the OpenAPI schema)."""

from rest_framework import serializers

from accounts.serializers import UserSerializer
from config.api import StringField


class LoginSerializer(serializers.Serializer):
    username = StringField(max_length=150)
    password = StringField(max_length=4096, trim_whitespace=False, write_only=True)


class PasswordChangeSerializer(serializers.Serializer):
    current_password = StringField(max_length=4096, trim_whitespace=False, write_only=True)
    new_password = StringField(max_length=4096, trim_whitespace=False, write_only=True)


class CurrentPasswordSerializer(serializers.Serializer):
    """Re-authentication for a sensitive action: the current password, or none after a recent sign-in."""

    current_password = StringField(max_length=4096, trim_whitespace=False, write_only=True, required=False)


class TokenCheckSerializer(serializers.Serializer):
    token = StringField(max_length=8192, trim_whitespace=False)


class SignInStepSerializer(serializers.Serializer):
    """202 from a login: the password was right, and the sign-in waits for a second step."""

    detail = serializers.CharField()
    step = serializers.ChoiceField(
        choices=["verify", "enroll"],
        help_text="verify: send a code; enroll: set up an authenticator first (mfa/enroll/), then send its code.",
    )
    methods = serializers.ListField(child=serializers.ChoiceField(choices=["totp", "recovery_code"]))
    expires_in = serializers.IntegerField(help_text="Seconds left to finish this sign-in.")


class AccessResponseSerializer(serializers.Serializer):
    access = serializers.CharField()
    user = UserSerializer()


class VerifyResponseSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    user = UserSerializer()


class TokenCheckResponseSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
