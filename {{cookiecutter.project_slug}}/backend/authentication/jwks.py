"""``GET /api/auth/jwks.json``: the public keys that verify our tokens (RS256)."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from config.api import ApiView

from .keys import public_jwks


class JWKSView(ApiView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: dict}, summary="JSON Web Key Set")
    def get(self, request):
        response = Response(public_jwks())
        response["Cache-Control"] = "public, max-age=300"
        return response
