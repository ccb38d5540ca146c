from rest_framework import serializers

from authentication.serializers import AccessResponseSerializer
from config.api import StringField


class CodeSerializer(serializers.Serializer):
    code = StringField(max_length=64, help_text="Six digits from the authenticator app, or a recovery code.")


class SetupSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="Base32, for typing into the app by hand.")
    otpauth_uri = serializers.CharField()
    qr_code_svg = serializers.CharField(help_text="The otpauth URI as a QR code: an SVG data: URI.")


class RecoveryCodesSerializer(serializers.Serializer):
    recovery_codes = serializers.ListField(child=serializers.CharField(), help_text="Shown once; each works once.")


class StatusSerializer(serializers.Serializer):
    totp = serializers.BooleanField(help_text="An authenticator app is set up.")
    recovery_codes_left = serializers.IntegerField()
    required = serializers.BooleanField(help_text="This account may not turn MFA off.")


class SignedInSerializer(AccessResponseSerializer):
    recovery_codes = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="After an enrollment step only: shown once."
    )
