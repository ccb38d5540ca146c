"""Public, unauthenticated API metadata."""

from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class VersionView(APIView):
    """``GET /api/version/``: which API this is; for deploy checks and client compatibility."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        responses=inline_serializer("Version", {"name": serializers.CharField(), "version": serializers.CharField()})
    )
    def get(self, request):
        return Response({"name": settings.PROJECT_NAME, "version": settings.SPECTACULAR_SETTINGS["VERSION"]})
