"""The problem+json shape (RFC 9457) for the OpenAPI schema; ``certsvc.problems`` produces it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from certsvc.problems import PROBLEM_CONTENT_TYPE


class ApiProblemFieldErrorSerializer(serializers.Serializer[Any]):
    field = serializers.CharField(
        help_text='Dotted path to the member, e.g. "items.2.hs_code" (0-based index).'
    )
    message = serializers.CharField()
    code = serializers.CharField()


class ApiProblemSerializer(serializers.Serializer[Any]):
    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField(help_text="Stable machine-readable error code.")
    # The stubs see Serializer.errors; DRF's metaclass takes declared fields off the class.
    errors = ApiProblemFieldErrorSerializer(  # type: ignore[assignment]
        many=True, required=False, help_text="Validation errors only."
    )


_DESCRIPTIONS = {
    400: "Invalid request (validation errors listed in `errors`).",
    401: "Authentication required.",
    403: "The caller's role does not allow this.",
    404: "Not found, or not visible to the caller.",
    409: "The current state does not allow this.",
    422: "Idempotency-Key reused with a different request.",
    429: "Too many requests.",
}


def problems(*status_codes: int) -> dict[tuple[int, str], OpenApiResponse]:
    """``responses`` entries for ``extend_schema``: each status as ``application/problem+json``."""
    return {
        (code, PROBLEM_CONTENT_TYPE): OpenApiResponse(ApiProblemSerializer, description=_DESCRIPTIONS[code])
        for code in status_codes
    }
