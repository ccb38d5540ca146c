"""One JSON error shape for every API failure: ``{"detail": str, "code": str, "fields"?: {...}}``.

Only this module builds error bodies, and it also describes them for the OpenAPI schema.
Tracebacks, settings and tokens never reach a response (ASVS 5.0 16.5.1).
"""

import logging

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .parsers import BodyTooLarge

logger = logging.getLogger(__name__)


def error_body(detail: str, code: str, fields: dict | None = None) -> dict:
    body = {"detail": str(detail), "code": code}
    if fields:
        body["fields"] = fields
    return body


def error_response(detail: str, code: str, http_status: int, fields: dict | None = None) -> Response:
    return Response(error_body(detail, code, fields), status=http_status)


class ErrorSerializer(serializers.Serializer):
    """The error body, as the OpenAPI schema shows it."""

    detail = serializers.CharField()
    code = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


ERROR_DESCRIPTIONS = {
    400: "The request body is malformed, or a field is missing or invalid.",
    401: "Missing, invalid or expired credentials.",
    403: "Refused: a cross-site request, or a client this API does not serve.",
    404: "Nothing here: an unknown path, or nothing to show.",
    409: "Not possible in the current state (the detail says what to do first).",
    405: "This endpoint does not answer this method; the `Allow` header lists those it does.",
    413: "The request body is larger than the API accepts.",
    415: "The request body is not JSON.",
    429: "Too many requests; retry later.",
    503: "The database is unavailable; retry later.",
}


def error_responses(*statuses: int) -> dict:
    """OpenAPI responses for ``@extend_schema``: the error body under each status a view can answer."""
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]) for code in statuses}


def _field_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {str(key): _messages(value) for key, value in detail.items()}
    return {"non_field_errors": _messages(detail)}


def _messages(value) -> list[str]:
    if isinstance(value, list | tuple):
        return [message for item in value for message in _messages(item)]
    if isinstance(value, dict):
        return [f"{key}: {message}" for key, item in value.items() for message in _messages(item)]
    return [str(value)]


def _first_code(codes) -> str:
    while isinstance(codes, dict | list | tuple):
        if not codes:
            return "error"
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return str(codes)


def api_exception_handler(exc, context):
    """DRF exception handler: DRF's own handling, reshaped; database outages become 503."""
    if isinstance(exc, DatabaseError):
        logger.warning("database unavailable: %s", type(exc).__name__)
        return error_response(
            "Service temporarily unavailable.", "service_unavailable", status.HTTP_503_SERVICE_UNAVAILABLE
        )

    if isinstance(exc, RequestDataTooBig):  # Django's own limit, DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = BodyTooLarge()
    response = exception_handler(exc, context)
    if response is None:
        return None

    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("Invalid request.", "invalid_request", _field_errors(exc.detail))
    elif isinstance(exc, exceptions.Throttled):
        response.data = error_body("Too many requests. Try again later.", "throttled")
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        if isinstance(detail, dict) and "detail" in detail:
            detail = detail["detail"]
        code = _first_code(exc.get_codes())
        message = detail if isinstance(detail, str) else " ".join(_messages(detail))
        response.data = error_body(message, code)
    else:  # Http404 and Django's PermissionDenied, which DRF converts itself
        response.data = error_body(
            response.data.get("detail", "Error."), "not_found" if response.status_code == 404 else "permission_denied"
        )
    return response


@csrf_exempt  # it changes nothing; without this, an unsafe method would get the CSRF failure page
def api_not_found(request, path: str = ""):
    """Every unknown path under /api/, in every environment (DEBUG would answer an HTML page)."""
    detail = "Not found."
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found:
            detail = f"Not found. Did you mean {request.path}/ (with the trailing slash)?"
    return JsonResponse(error_body(detail, "not_found"), status=404)


def bad_request(request, exception=None):
    return JsonResponse(error_body("Bad request.", "bad_request"), status=400)


def permission_denied(request, exception=None):
    return JsonResponse(error_body("Permission denied.", "permission_denied"), status=403)


def not_found(request, exception=None):
    return JsonResponse(error_body("Not found.", "not_found"), status=404)


def server_error(request):
    return JsonResponse(error_body("Server error.", "server_error"), status=500)
