"""Endpoints of the witnessed log (CONTRACT §11): witness keys, cosignatures and entries for monitors."""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from signing.times import rfc3339
from signing.transparency import services, witnesses
from signing.transparency.models import Witness
from signing.transparency.serializers import ProblemSerializer

JSONObject = dict[str, Any]

_PROBLEM = OpenApiResponse(ProblemSerializer, description="problem+json")


class WitnessKeySerializer(serializers.Serializer[JSONObject]):
    kty = serializers.CharField()
    crv = serializers.CharField()
    x = serializers.CharField()
    kid = serializers.CharField()
    use = serializers.CharField()
    alg = serializers.CharField()
    name = serializers.CharField()


class WitnessListSerializer(serializers.Serializer[JSONObject]):
    keys = WitnessKeySerializer(many=True)


class CosignatureInputSerializer(serializers.Serializer[JSONObject]):
    signature = serializers.CharField(max_length=4096, help_text="JWS compact, typ certsvc-cosignature+jws.")


class CosignatureOutputSerializer(serializers.Serializer[JSONObject]):
    name = serializers.CharField()
    kid = serializers.CharField()
    signature = serializers.CharField()
    tree_size = serializers.IntegerField()
    cosigned_at = serializers.CharField()


class EntriesQuerySerializer(serializers.Serializer[JSONObject]):
    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=0)


class EntriesOutputSerializer(serializers.Serializer[JSONObject]):
    entries = serializers.ListField(child=serializers.CharField(), help_text="Standard base64 of each entry.")


class WitnessesView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="log_witnesses",
        summary="Public keys of the witnesses that cosign checkpoints",
        responses={200: WitnessListSerializer},
        auth=[],
        tags=["log"],
    )
    def get(self, request: Request) -> Response:
        return Response(witnesses.witnesses_jwks())


class CosignatureView(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="log_cosignature_create",
        summary="Post a witness's cosignature of an issued checkpoint",
        request=CosignatureInputSerializer,
        responses={
            201: CosignatureOutputSerializer,
            200: OpenApiResponse(CosignatureOutputSerializer, description="Already cosigned that size."),
            (400, "application/problem+json"): _PROBLEM,
            (401, "application/problem+json"): _PROBLEM,
        },
        examples=[OpenApiExample("A cosignature", value={"signature": "eyJhbGciOi…"}, request_only=True)],
        tags=["log"],
    )
    def post(self, request: Request) -> Response:
        body = CosignatureInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row, created = witnesses.cosignature_submit(
            user=request.user, signature=body.validated_data["signature"]
        )
        answer = {
            "name": row.witness.name,
            "kid": row.witness.kid,
            "signature": row.signature,
            "tree_size": row.checkpoint.tree_size,
            "cosigned_at": rfc3339(row.cosigned_at),
        }
        return Response(answer, status=201 if created else 200)


class MayReadEntries(IsAuthenticated):
    """Customs (``TRANSPARENCY_MONITOR_CHECK``) and witnesses' users: entries are whole certificates."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        check_path = getattr(settings, "TRANSPARENCY_MONITOR_CHECK", "")
        if check_path and import_string(check_path)(request.user):
            return True
        return Witness.objects.filter(user_id=request.user.pk or 0, active=True).exists()


class EntriesView(APIView):
    permission_classes = [MayReadEntries]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="log_entries",
        summary="Log entries start ≤ index < end, for monitors (at most 1,000 at once)",
        parameters=[
            OpenApiParameter("start", int, OpenApiParameter.QUERY, required=True),
            OpenApiParameter("end", int, OpenApiParameter.QUERY, required=True),
        ],
        responses={
            200: EntriesOutputSerializer,
            (400, "application/problem+json"): _PROBLEM,
            (401, "application/problem+json"): _PROBLEM,
            (403, "application/problem+json"): _PROBLEM,
        },
        tags=["log"],
    )
    def get(self, request: Request) -> Response:
        query = EntriesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        entries = services.log_entries(start=query.validated_data["start"], end=query.validated_data["end"])
        return Response({"entries": [base64.b64encode(entry).decode("ascii") for entry in entries]})
