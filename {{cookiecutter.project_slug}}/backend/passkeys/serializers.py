from rest_framework import serializers

from config.api import StringField

from .models import Passkey

NAME_HELP = "What the owner calls it, e.g. 'Phone' or 'Security key'."


class OptionsSerializer(serializers.Serializer):
    """WebAuthn options as JSON (``PublicKeyCredentialCreationOptionsJSON`` or ``...RequestOptionsJSON``)."""

    options = serializers.DictField(help_text="Pass as `optionsJSON` to @simplewebauthn/browser.")


class CredentialSerializer(serializers.Serializer):
    credential = serializers.DictField(help_text="What the browser returned (`PublicKeyCredential.toJSON()`).")


class RegisterSerializer(CredentialSerializer):
    name = StringField(max_length=64, help_text=NAME_HELP)


class RenameSerializer(serializers.Serializer):
    name = StringField(max_length=64, help_text=NAME_HELP)


class PasskeySerializer(serializers.ModelSerializer):
    class Meta:
        model = Passkey
        fields = ["id", "name", "created_at", "last_used_at", "backup_eligible", "backed_up", "transports"]
        extra_kwargs = {
            "backed_up": {"help_text": "Synced to a cloud account: it survives the loss of one device."},
            "transports": {"help_text": "How the browser reaches it: internal, hybrid, usb, nfc, ble."},
        }
