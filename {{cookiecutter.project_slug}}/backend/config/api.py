"""What every API view shares: the method is checked first, and string fields take only strings.

DRF authenticates, checks permissions and throttles a request before it looks at the method, so
``GET`` on a POST-only endpoint used to answer 401, 403 or 429. ``ApiView`` answers 405 with
``Allow`` and the JSON error shape before anything else runs.
"""

from django.utils.cache import add_never_cache_headers
from rest_framework import serializers
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.response import Response
from rest_framework.views import APIView


class ApiView(APIView):
    """The base of every view under /api/."""

    def initial(self, request, *args, **kwargs) -> None:
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)


class StringField(serializers.CharField):
    """A ``CharField`` that accepts only JSON strings; DRF's own turns ``123`` into ``"123"``."""

    def to_internal_value(self, data) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def never_cached(response: Response) -> Response:
    """A response carrying a token, a secret or one-time codes: no cache may keep it."""
    add_never_cache_headers(response)
    return response
