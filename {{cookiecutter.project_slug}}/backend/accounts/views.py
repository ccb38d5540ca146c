from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from config.api import ApiView
from config.errors import error_responses

from .serializers import UserSerializer


class MeView(ApiView):
    """An example protected endpoint outside /api/auth/.

    Successful responses carry ``X-New-Access-Token`` when the presented access token is
    about to expire (see authentication.silent_refresh).
    """

    @extend_schema(responses={200: UserSerializer, **error_responses(401, 403, 429, 503)}, summary="The signed-in user")
    def get(self, request):
        return Response(UserSerializer(request.user).data)
