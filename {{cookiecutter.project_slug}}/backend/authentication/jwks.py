"""``GET /api/auth/jwks.json``: the public keys that verify our tokens (RS256 and EdDSA keys).

A shared HS256 secret is never published: with no public key in use, this answers 404.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from config.api import ApiView
from config.errors import error_responses

from .keys import public_jwks


class JWKSView(ApiView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: dict, **error_responses(404)}, summary="JSON Web Key Set")
    def get(self, request):
        jwks = public_jwks()
        if not jwks["keys"]:
            raise NotFound("No public keys: tokens are signed with a shared secret (HS256).")
        response = Response(jwks)
        response["Cache-Control"] = "public, max-age=300"
        return response
