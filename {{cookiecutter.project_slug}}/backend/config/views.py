"""Public, unauthenticated API metadata."""

from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from .api import ApiView
from .errors import error_responses


class VersionView(ApiView):
    """``GET /api/version/``: which API this is; for deploy checks and client compatibility."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        responses={
            200: inline_serializer("Version", {"name": serializers.CharField(), "version": serializers.CharField()}),
            **error_responses(403, 429),
        }
    )
    def get(self, request):
        return Response({"name": settings.PROJECT_NAME, "version": settings.SPECTACULAR_SETTINGS["VERSION"]})
