from rest_framework import serializers


class UserSerializer(serializers.Serializer):
    """What the API tells a client about the signed-in user.

    Declared field by field rather than as a ModelSerializer: it is rendered on every
    ``/api/me/`` and every refresh, and a ModelSerializer builds its fields from the model on
    each use, which took about a fifth of an authenticated ``/api/me/`` request's time.
    """

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
