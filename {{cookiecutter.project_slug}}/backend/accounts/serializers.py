from rest_framework import serializers

from .models import User


class UserSerializer(serializers.ModelSerializer):
    """What the API tells a client about the signed-in user."""

    class Meta:
        model = User
        fields = ["id", "username", "email"]
        read_only_fields = fields
