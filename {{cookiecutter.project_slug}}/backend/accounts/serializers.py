from rest_framework import serializers


class UserSerializer(serializers.Serializer):
    """What the API tells a client about the signed-in user.

    Declared field by field rather than as a ModelSerializer: it is rendered on every
    authenticated ``/api/me/`` and every refresh, and building a ModelSerializer's fields from
    the model on each use cost a third of an authenticated request's time in the benchmark.
    """

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
