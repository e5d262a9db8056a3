"""Verification API (CONTRACT §4): verify, the customs verification list, the status bundle.

Every registry read fails closed: a ``DatabaseError`` anywhere in a request
(authentication included) becomes a 503 problem, never an answer.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import django_filters
from django.db import DatabaseError
from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from certificates import roles
from certificates.api.fields import StrictSerializer
from certificates.api.problems import ApiProblemSerializer, problems
from certificates.api.query_filters import QueryDateFilter
from certificates.permissions import IsCustomsOrStaff
from certificates.verification import services as verification
from certificates.verification.bundle_http import bundle_response
from certificates.verification.declaration_check import DeclarationField
from certificates.verification.models import Verification
from certificates.verification.number_view import MAX_ACCESS_CODE_LENGTH, plain_number
from certificates.verification.throttling import VerifyAnonThrottle, VerifyUserThrottle
from certsvc.problems import PROBLEM_CONTENT_TYPE, ServiceUnavailable

JOSE_CONTENT_TYPE = "application/jose"
UNAVAILABLE = {
    (503, PROBLEM_CONTENT_TYPE): OpenApiResponse(
        ApiProblemSerializer,
        description="The registry cannot be read, or no key can sign (fail closed: never a `valid`).",
    )
}
_RFC3339 = re.compile(r"^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d{1,9})?([Zz]|[+-]\d\d:\d\d)$")


class FailClosedMixin(APIView):
    """A registry that cannot be read answers 503, whatever step of the request touched it."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, DatabaseError):
            exc = ServiceUnavailable("registry_unavailable", "The certificate registry cannot be read now.")
        return super().handle_exception(exc)


class RFC3339Field(serializers.DateTimeField):
    """Only RFC 3339 date-times with an offset (``2026-11-28T10:15:00Z``), nothing looser."""

    def to_internal_value(self, value: Any) -> datetime:
        if not isinstance(value, str) or not _RFC3339.match(value):
            raise serializers.ValidationError("Use an RFC 3339 date-time, e.g. 2026-11-28T10:15:00Z.")
        return super().to_internal_value(value)


class NonceField(serializers.RegexField):
    """A string matching the pattern; a JSON number is not turned into text."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class VerifyInputSerializer(StrictSerializer):
    number = serializers.CharField(max_length=64, required=False, trim_whitespace=True)
    document = serializers.CharField(max_length=verification.MAX_DOCUMENT_BYTES, required=False)
    at = RFC3339Field(required=False, default_timezone=UTC)
    nonce = NonceField(
        r"^[A-Za-z0-9_-]{1,64}$",
        required=False,
        help_text="Echoed in the answer (and so in its receipt): 1–64 characters of A–Z, a–z, 0–9, _ and -.",
    )
    access_code = serializers.CharField(
        max_length=MAX_ACCESS_CODE_LENGTH,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="The access code printed beside the number (CONTRACT §9), compared ignoring case, spaces "
        "and hyphens: when it is the certificate's, a summary also names the exporter, the consignee and "
        "the goods. A wrong code is no error: the summary stays short.",
    )
    declaration = DeclarationField(
        required=False,
        help_text="Customs users only: a declaration's `lines`, validated as when recording one, checked "
        "against the certificate in `declaration_check`; nothing is recorded or drawn down.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("number" in attrs) == ("document" in attrs):
            raise serializers.ValidationError("Send exactly one of number and document.")
        return attrs


class CheckSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    ok = serializers.BooleanField()
    detail = serializers.CharField(required=False)


class UsageSerializer(serializers.Serializer[Any]):
    item_line = serializers.IntegerField()
    quantity = serializers.CharField()
    used = serializers.CharField()
    remaining = serializers.CharField()


class DeclarationCheckLineSerializer(serializers.Serializer[Any]):
    item_line = serializers.IntegerField()
    result = serializers.CharField(
        help_text="`match`, or the line's first failing rule: `unknown_line`, `hs_code_mismatch`, "
        "`unit_mismatch`, `quantity_exceeds_remaining`."
    )


class DeclarationCheckSerializer(serializers.Serializer[Any]):
    ok = serializers.BooleanField(help_text="True only when every line matches and `valid` is true.")
    lines = DeclarationCheckLineSerializer(many=True, help_text="One per line sent, in the request's order.")


class VerifyOutputSerializer(serializers.Serializer[Any]):
    valid = serializers.BooleanField()
    status = serializers.ChoiceField(choices=verification.STATUSES)
    number = serializers.CharField(allow_null=True)
    checked_at = serializers.DateTimeField()
    at = serializers.DateTimeField(required=False, help_text="The moment asked about, when `at` was sent.")
    nonce = serializers.CharField(required=False, help_text="The request's `nonce`, when it sent one.")
    document_sha256 = serializers.CharField(
        required=False,
        help_text="Base64url (no padding) SHA-256 of the compact JWS as sent, in an answer by `document`.",
    )
    checks = CheckSerializer(many=True)
    certificate = serializers.JSONField(
        allow_null=True,
        help_text="The full document for customs, officers and staff. Others get a summary: `number`, "
        "`type`, `issued_at`, `valid_from`, `valid_until`, `issuer` (`name`, `country`); with the "
        "certificate's `access_code`, or by `document`, also `exporter` and `consignee` (`name`, "
        "`country`) and `items` (`line`, `hs_code`, `description`, `quantity`, `unit`).",
    )
    usage = UsageSerializer(
        many=True,
        required=False,
        help_text="To customs users and officers: what declarations drew from each item.",
    )
    declaration_check = DeclarationCheckSerializer(
        required=False,
        help_text="When a customs user sent `declaration`: how its lines fit what the items have left now.",
    )
    receipt = serializers.CharField(help_text="JWS (typ certsvc-receipt+jws) over this body without receipt.")


VERIFY_EXAMPLES = [
    OpenApiExample("By number", value={"number": "UZ-2026-EX-000001"}, request_only=True),
    OpenApiExample(
        "By number with the access code printed beside it",
        value={"number": "UZ-2026-EX-000001", "access_code": "K7QM-2XJD-4RWA-5TPZ"},
        request_only=True,
        description="The summary then also names the exporter, the consignee and the goods.",
    ),
    OpenApiExample(
        "By number at the declaration date with a nonce",
        value={"number": "UZ-2026-EX-000001", "at": "2026-11-20T09:00:00Z", "nonce": "decl-10702010-0042"},
        request_only=True,
    ),
    OpenApiExample(
        "By document",
        value={"document": "eyJhbGciOiJFZERTQSIsImtpZCI6Ii4uLiJ9.eyIuLi4iOiIuLi4ifQ.c2lnbmF0dXJl"},
        request_only=True,
        description="The compact JWS from `GET /certificates/{number}/document` or from the exporter.",
    ),
    OpenApiExample(
        "By number with a declaration to check (customs)",
        value={
            "number": "UZ-2026-EX-000001",
            "declaration": {
                "lines": [
                    {"item_line": 1, "hs_code": "520100", "quantity": "5000.000", "unit": "KGM"},
                    {"item_line": 2, "hs_code": "520100", "quantity": "90000.000", "unit": "KGM"},
                ]
            },
        },
        request_only=True,
        description="A dry run of a declaration before recording it: nothing is recorded or drawn down.",
    ),
    OpenApiExample(
        "A declaration checked (customs)",
        value={
            "valid": True,
            "status": "valid",
            "number": "UZ-2026-EX-000001",
            "checked_at": "2026-12-01T09:30:00Z",
            "checks": [{"name": "status", "ok": True}],
            "certificate": {"schema": "certsvc.certificate.v1", "number": "UZ-2026-EX-000001"},
            "usage": [
                {"item_line": 1, "quantity": "20000.000", "used": "0.000", "remaining": "20000.000"},
                {"item_line": 2, "quantity": "20000.000", "used": "0.000", "remaining": "20000.000"},
            ],
            "declaration_check": {
                "ok": False,
                "lines": [
                    {"item_line": 1, "result": "match"},
                    {"item_line": 2, "result": "quantity_exceeds_remaining"},
                ],
            },
            "receipt": "eyJhbGciOiJFZERTQSIsImtpZCI6Ii4uLiIsInR5cCI6ImNlcnRzdmMtcmVjZWlwdCtqd3MifQ.e30.c2ln",
        },
        response_only=True,
        status_codes=["200"],
        description="`checks` and `certificate` shortened; every check is listed in a real answer.",
    ),
]


class VerifyView(FailClosedMixin, APIView):
    permission_classes = [AllowAny]
    throttle_classes = [VerifyAnonThrottle, VerifyUserThrottle]

    @extend_schema(
        operation_id="verify",
        summary="Verify a certificate by number or by its JWS",
        description="Always 200 for a well-formed request; `status` is the first failing check "
        "(malformed, bad_signature, unknown_key, bad_signature, key_revoked, registry_mismatch/not_found, "
        "revoked/superseded, expired/not_yet_valid). An `alg` other than EdDSA/Ed25519 is bad_signature. "
        "With `at`, the status at that moment; a certificate not yet issued then is not_yet_valid. "
        'Customs users may add `declaration` (`{"lines": [...]}`) to check a declaration without '
        "recording it: the answer, receipt included, carries `declaration_check`; other callers sending "
        "it get 400 (`declaration_check_not_customs`). "
        "503 when the registry cannot be read or no key can sign the receipt.",
        request=VerifyInputSerializer,
        examples=VERIFY_EXAMPLES,
        responses={200: VerifyOutputSerializer, **problems(400, 429), **UNAVAILABLE},
        tags=["verification"],
    )
    def post(self, request: Request) -> Response:
        plain = plain_number(request.data)
        if plain is not None and not roles.sees_full_document(request.user):
            # The common request, {"number": "…"} asking about now: no serializer, one query.
            number, access_code = plain
            return Response(
                verification.verification_verify_number_now(
                    number=number, user=request.user, access_code=access_code
                )
            )
        if isinstance(request.data, dict) and "declaration" in request.data:
            verification.declaration_check_allowed_require(user=request.user)
        serializer = VerifyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        body = verification.verification_verify(
            user=request.user,
            number=data.get("number"),
            document=data.get("document"),
            at=data.get("at"),
            nonce=data.get("nonce"),
            document_as_sent=_as_sent(request.data, "document") if "document" in data else None,
            access_code=data.get("access_code"),
            declaration=data.get("declaration"),
        )
        return Response(body)


def _as_sent(data: Any, member: str) -> str | None:
    """A member of the request body before the serializer trimmed it."""
    value = data.get(member) if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


class VerificationFilter(django_filters.FilterSet):  # type: ignore[misc]  # untyped base (above)
    number = django_filters.CharFilter()
    status = django_filters.MultipleChoiceFilter(choices=[(s, s) for s in verification.STATUSES])
    date_from = QueryDateFilter(field_name="created_at", lookup_expr="date__gte")
    date_to = QueryDateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Verification
        fields = ["number", "status", "date_from", "date_to"]


class VerificationOutputSerializer(serializers.ModelSerializer[Verification]):
    user = serializers.CharField(source="user.username")
    organization = serializers.CharField(source="organization.name", allow_null=True, default=None)
    verified_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Verification
        fields = ["id", "verified_at", "user", "organization", "query", "number", "status", "at"]


class VerificationListView(FailClosedMixin, generics.ListAPIView[Verification]):
    permission_classes = [IsCustomsOrStaff]
    serializer_class = VerificationOutputSerializer
    filterset_class = VerificationFilter
    ordering_fields = ["created_at"]

    def get_queryset(self) -> QuerySet[Verification]:
        if getattr(self, "swagger_fake_view", False):
            return Verification.objects.none()
        return verification.verification_list_for(user=self.request.user)

    @extend_schema(
        operation_id="verifications_list",
        summary="Verifications made by the caller's organization (customs) or by everyone (staff)",
        description="Filters: `number`, `status` (repeatable), `date_from`, `date_to` (dates of the "
        "verification); `ordering=created_at` or `-created_at` (default newest first).",
        responses={200: VerificationOutputSerializer(many=True), **problems(400, 401, 403, 404)},
        tags=["verification"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class StatusBundleView(FailClosedMixin, APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="status_bundle",
        summary="Signed list of revoked, superseded and exhausted certificates for offline verifiers",
        description="A JWS (typ certsvc-status+jws, `application/jose`) over "
        '`{"issued_at", "next_update", "entries": [{"number", "status", "since"}], "keys"}`. '
        "With `since` (the `issued_at` of an earlier bundle of the last 7 days), a signed delta over "
        '`{"issued_at", "next_update", "since", "keys", "entries"}` holding only the entries changed '
        "after it (`status` may be `valid` again); any other `since` answers 409 `delta_unavailable`. "
        "Gzip-compressed when the request accepts it (`Vary: Accept-Encoding`, an `ETag` per encoding).",
        parameters=[
            OpenApiParameter(
                "since",
                OpenApiTypes.DATETIME,
                description="The `issued_at` of the bundle held: answer the delta from it.",
            )
        ],
        responses={
            (200, JOSE_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.STR),
            304: OpenApiResponse(description="Not modified (`If-None-Match` names this `ETag`)."),
            **problems(409),
            **UNAVAILABLE,
        },
        auth=[],
        tags=["verification"],
    )
    def get(self, request: Request) -> HttpResponse:
        since = request.query_params.get("since")
        if since is None:
            token = verification.status_bundle_signed()
        else:
            token = verification.status_delta_signed(since=since)
        return bundle_response(request, token, max_age=verification.status_bundle_cache_seconds())
