"""Public key endpoints: the JWKS and the list of keys with their status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.cache import patch_cache_control
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from signing.models import SigningKey
from signing.selectors import jwks_document, signing_key_list_published
from signing.serializers import JWKSSerializer, SigningKeyOutputSerializer

CACHE_SECONDS = 300


class _PublicKeysView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
        return response


class JWKSView(_PublicKeysView):
    @extend_schema(
        operation_id="jwks",
        summary="Published signing keys (JWKS)",
        description="Every key that has ever been active (active, retired, revoked), as a JSON Web Key Set.",
        responses={200: JWKSSerializer},
        auth=[],
        tags=["keys"],
    )
    def get(self, request: Request) -> Response:
        return Response(jwks_document())


class SigningKeyListView(_PublicKeysView):
    @extend_schema(
        operation_id="keys_list",
        summary="Signing keys and their status",
        responses={200: SigningKeyOutputSerializer(many=True)},
        auth=[],
        tags=["keys"],
    )
    def get(self, request: Request) -> Response:
        keys = [_key_with_status(key) for key in signing_key_list_published()]
        # The DRF stubs type the instance of a serializer as one object, even with many=True.
        serializer = SigningKeyOutputSerializer(keys, many=True)  # type: ignore[arg-type]
        return Response(serializer.data)


def _key_with_status(key: SigningKey) -> dict[str, str | datetime | None]:
    return {
        **key.public_jwk,
        "status": key.status,
        "activated_at": key.activated_at,
        "retired_at": key.retired_at,
        "revoked_at": key.revoked_at,
        "compromised_at": key.compromised_at,
    }
