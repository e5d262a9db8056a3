"""Public key endpoints: the JWKS and the list of keys with their status, from memory (signing.published)."""

from __future__ import annotations

from django.http import HttpResponseBase
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from signing.published import published_response
from signing.serializers import JWKSSerializer, SigningKeyOutputSerializer

NOT_MODIFIED = OpenApiResponse(description="Not modified: `If-None-Match` named the current `ETag`.")


class _PublicKeysView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]


class JWKSView(_PublicKeysView):
    @extend_schema(
        operation_id="jwks",
        summary="Published signing keys (JWKS)",
        description="Every key that has ever been active (active, retired, revoked), as a JSON Web Key Set.",
        responses={200: JWKSSerializer, 304: NOT_MODIFIED},
        auth=[],
        tags=["keys"],
    )
    def get(self, request: Request) -> HttpResponseBase:
        return published_response(request, "jwks")


class SigningKeyListView(_PublicKeysView):
    @extend_schema(
        operation_id="keys_list",
        summary="Signing keys and their status",
        responses={200: SigningKeyOutputSerializer(many=True), 304: NOT_MODIFIED},
        auth=[],
        tags=["keys"],
    )
    def get(self, request: Request) -> HttpResponseBase:
        return published_response(request, "keys")
