"""The only request body format the API accepts: a bounded JSON document."""

import json

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body is too large."
    default_code = "body_too_large"


class StrictJSONParser(JSONParser):
    """JSON that cannot turn a bad body into a server error.

    DRF's parser reads bodies of any size and lets a deeply nested document raise
    RecursionError: a body over the limit gets 413, one nested too deep 400.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise BodyTooLarge()
        try:
            return json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise ParseError("Request body is not UTF-8.", code="invalid_request") from error
        except (ValueError, RecursionError) as error:
            raise ParseError("Request body is not valid JSON.", code="invalid_request") from error
