"""Public endpoints of the transparency log, exactly CONTRACT §5."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from signing.transparency import services
from signing.transparency.serializers import (
    CheckpointOutputSerializer,
    CheckpointQuerySerializer,
    ConsistencyOutputSerializer,
    ConsistencyQuerySerializer,
    InclusionOutputSerializer,
    InclusionQuerySerializer,
    ProblemSerializer,
)
from signing.transparency.witnesses import checkpoint_cosignatures

_BAD_REQUEST = OpenApiResponse(ProblemSerializer, description="Invalid parameters (problem+json).")


def _int_parameter(name: str, description: str, *, required: bool) -> OpenApiParameter:
    return OpenApiParameter(name, int, OpenApiParameter.QUERY, required=required, description=description)


class _PublicLogView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]


class CheckpointView(_PublicLogView):
    @extend_schema(
        operation_id="log_checkpoint",
        summary="Latest signed checkpoint of the transparency log, or the one kept of a tree size",
        parameters=[_int_parameter("tree_size", "The kept checkpoint of this size.", required=False)],
        responses={
            200: CheckpointOutputSerializer,
            (400, "application/problem+json"): _BAD_REQUEST,
            (404, "application/problem+json"): OpenApiResponse(
                ProblemSerializer, description="No checkpoint was kept of that size."
            ),
            503: OpenApiResponse(ProblemSerializer, description="No checkpoint can be signed yet."),
        },
        auth=[],
        tags=["log"],
    )
    def get(self, request: Request) -> Response:
        query = CheckpointQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        size = query.validated_data.get("tree_size")
        if size is None:
            checkpoint = services.checkpoint_published()
        else:
            checkpoint = services.checkpoint_kept(tree_size=size)
        body = services.checkpoint_body(
            tree_size=checkpoint.tree_size,
            root_hash=bytes(checkpoint.root_hash),
            timestamp=checkpoint.timestamp,
        )
        cosignatures = checkpoint_cosignatures(checkpoint=checkpoint)
        return Response({**body, "signature": checkpoint.signature, "cosignatures": cosignatures})


class InclusionView(_PublicLogView):
    @extend_schema(
        operation_id="log_inclusion",
        summary="Inclusion proof (RFC 9162 audit path) of one entry",
        parameters=[
            OpenApiParameter(
                "number", str, OpenApiParameter.QUERY, description="Number of a logged certificate."
            ),
            _int_parameter("leaf_index", "Index of the entry (instead of number).", required=False),
            _int_parameter(
                "tree_size", "Size of the tree to prove against; the current size if omitted.", required=False
            ),
        ],
        responses={
            200: InclusionOutputSerializer,
            (400, "application/problem+json"): _BAD_REQUEST,
            (404, "application/problem+json"): OpenApiResponse(
                ProblemSerializer, description="No entry is known for the number."
            ),
        },
        auth=[],
        tags=["log"],
    )
    def get(self, request: Request) -> Response:
        query = InclusionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if "number" in params:
            leaf_index = services.log_index_for_number(number=params["number"])
        else:
            leaf_index = params["leaf_index"]
        proof = services.log_inclusion(leaf_index=leaf_index, tree_size=params.get("tree_size"))
        return Response(
            {
                "leaf_index": proof.leaf_index,
                "tree_size": proof.tree_size,
                "leaf_hash": services.encode_hash(proof.leaf_hash),
                "audit_path": [services.encode_hash(h) for h in proof.audit_path],
            }
        )


class ConsistencyView(_PublicLogView):
    @extend_schema(
        operation_id="log_consistency",
        summary="Consistency proof (RFC 9162) between two tree sizes",
        parameters=[
            _int_parameter("first", "The earlier tree size (at least 1).", required=True),
            _int_parameter("second", "The later tree size (at most the current size).", required=True),
        ],
        responses={200: ConsistencyOutputSerializer, (400, "application/problem+json"): _BAD_REQUEST},
        auth=[],
        tags=["log"],
    )
    def get(self, request: Request) -> Response:
        query = ConsistencyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        first, second = query.validated_data["first"], query.validated_data["second"]
        proof = services.log_consistency_proof(first=first, second=second)
        return Response({"first": first, "second": second, "proof": [services.encode_hash(h) for h in proof]})
