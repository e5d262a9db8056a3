"""Issued certificates: list, detail, the signed document (JWS), the PDF, revocation and replacement."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, QuerySet
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import renderers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from certificates.api.fields import StrictSerializer
from certificates.api.problems import problems
from certificates.api.query_filters import QueryDateFilter
from certificates.api.renderers import CompactTokenRenderer
from certificates.applications.api.examples import REPLACEMENT_EXAMPLES
from certificates.applications.api.serializers import (
    ApplicationDetailOutputSerializer,
    ApplicationInputSerializer,
)
from certificates.applications.models import GoodsItem
from certificates.issuance import services as issuance
from certificates.issuance.models import Certificate, CertificateEvent
from certificates.issuance.numbering import NUMBER_PATTERN
from certificates.issuance.selectors import (
    certificate_access_code_for,
    certificate_detail_for,
    certificate_list_for,
)
from certificates.permissions import IsCertificateReader, IsOfficer, request_user


class PDFRenderer(renderers.BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> Any:
        if isinstance(data, bytes):
            return data
        return renderers.JSONRenderer().render(data)


class CertificateFilter(django_filters.FilterSet):  # type: ignore[misc]  # untyped base, see above
    number = django_filters.CharFilter(lookup_expr="startswith")
    status = django_filters.MultipleChoiceFilter(choices=Certificate.Status.choices)
    type = django_filters.CharFilter()
    issued_after = QueryDateFilter(field_name="issued_at", lookup_expr="date__gte")
    issued_before = QueryDateFilter(field_name="issued_at", lookup_expr="date__lte")
    exporter = django_filters.NumberFilter(field_name="application__exporter_id")
    hs_code = django_filters.CharFilter(method="filter_hs_code", label="HS code prefix of any goods item.")

    class Meta:
        model = Certificate
        fields = ["number", "status", "type", "issued_after", "issued_before", "exporter", "hs_code"]

    def filter_hs_code(self, queryset: QuerySet[Certificate], name: str, value: str) -> QuerySet[Certificate]:
        items = GoodsItem.objects.filter(application=OuterRef("application_id"), hs_code__startswith=value)
        return queryset.filter(Exists(items))


class CertificateEventOutputSerializer(serializers.ModelSerializer[CertificateEvent]):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)

    class Meta:
        model = CertificateEvent
        fields = ["at", "action", "from_status", "to_status", "reason", "actor"]


class CertificateOutputSerializer(serializers.ModelSerializer[Certificate]):
    exporter = serializers.CharField(source="application.exporter.name")
    application = serializers.IntegerField(source="application_id")
    replaces = serializers.CharField(source="replaces.number", default=None, allow_null=True)
    superseded_by = serializers.CharField(source="superseded_by.number", default=None, allow_null=True)
    access_code = serializers.CharField(
        required=False,
        help_text="The code printed beside the number (CONTRACT §9): to the certificate's exporter and to "
        "officers only; absent for everyone else.",
    )

    class Meta:
        model = Certificate
        fields = [
            "number",
            "access_code",
            "type",
            "status",
            "issued_at",
            "valid_from",
            "valid_until",
            "exporter",
            "application",
            "kid",
            "jws_sha256",
            "log_index",
            "revoked_at",
            "revocation_reason",
            "replaces",
            "superseded_by",
        ]

    def to_representation(self, instance: Certificate) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        request = self.context.get("request")
        code = certificate_access_code_for(user=getattr(request, "user", None), certificate=instance)
        if code is None:
            del data["access_code"]
        return data


class CertificateDetailOutputSerializer(CertificateOutputSerializer):
    document = serializers.JSONField()
    events = CertificateEventOutputSerializer(many=True)
    links = serializers.SerializerMethodField()

    class Meta(CertificateOutputSerializer.Meta):
        fields = [*CertificateOutputSerializer.Meta.fields, "document", "events", "links"]

    def get_links(self, certificate: Certificate) -> dict[str, str]:
        base = f"/api/v1/certificates/{certificate.number}"
        return {"document": f"{base}/document", "pdf": f"{base}/pdf", "public": f"/v/{certificate.number}"}


class RevokeInputSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2000)


@extend_schema_view(
    list=extend_schema(
        summary="List certificates",
        description="Exporters see their organization's certificates; officers and customs see all.",
        responses={200: CertificateOutputSerializer(many=True), **problems(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="A certificate with its document and history",
        responses={200: CertificateDetailOutputSerializer, **problems(401, 403, 404)},
    ),
)
class CertificateViewSet(viewsets.ReadOnlyModelViewSet[Certificate]):
    lookup_field = "number"
    lookup_value_regex = NUMBER_PATTERN
    filterset_class = CertificateFilter
    ordering_fields = ["issued_at", "number"]
    ordering = ["-issued_at", "-id"]
    permission_classes = [IsCertificateReader]

    def get_queryset(self) -> QuerySet[Certificate]:
        if getattr(self, "swagger_fake_view", False):
            return Certificate.objects.none()
        if self.action == "list":
            return certificate_list_for(user=request_user(self.request)).defer("document", "jws")
        return certificate_detail_for(user=request_user(self.request))

    def get_renderers(self) -> list[renderers.BaseRenderer]:
        # CONTRACT §7 names these two without a trailing slash, so they are routed by hand (urls).
        if self.action == "document":
            return [CompactTokenRenderer(), renderers.JSONRenderer()]
        if self.action == "pdf":
            return [PDFRenderer(), renderers.JSONRenderer()]
        return super().get_renderers()

    def get_serializer_class(self) -> type[CertificateOutputSerializer]:
        return CertificateOutputSerializer if self.action == "list" else CertificateDetailOutputSerializer

    @extend_schema(
        summary="The signed certificate (JWS compact serialization, CONTRACT §2)",
        responses={(200, "application/jose"): OpenApiTypes.STR, **problems(401, 403, 404)},
    )
    def document(self, request: Request, number: str) -> HttpResponse:
        certificate = self.get_object()
        response = HttpResponse(certificate.jws.encode("ascii"), content_type="application/jose")
        response["Content-Disposition"] = f'inline; filename="{certificate.number}.jws"'
        return response

    @extend_schema(
        summary="The printable certificate (PDF with QR code)",
        description="CT-1 in Russian and the application's `print_language`. A revoked, superseded or "
        "exhausted certificate's PDF carries that status as a stamp on every page.",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **problems(401, 403, 404)},
    )
    def pdf(self, request: Request, number: str) -> HttpResponseBase:
        certificate = self.get_object()
        stamped = issuance.certificate_pdf_stamped(certificate=certificate)
        if stamped is not None:
            # Revoked, superseded or exhausted: the kept file was printed while it was valid.
            response = HttpResponse(stamped, content_type="application/pdf")
            response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
            return response
        if not certificate.pdf:
            # Normally rendered by the worker after issuance; a fresh certificate is rendered now.
            certificate = issuance.certificate_pdf_store(certificate=certificate)
        return FileResponse(
            certificate.pdf.open("rb"), content_type="application/pdf", filename=f"{certificate.number}.pdf"
        )

    @extend_schema(
        summary="Revoke an issued certificate with a reason (officers)",
        request=RevokeInputSerializer,
        examples=[
            OpenApiExample(
                "A reason",
                value={"reason": "Issued on a forged invoice (customs notice of 2026-11-28)."},
                request_only=True,
            )
        ],
        responses={200: CertificateDetailOutputSerializer, **problems(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def revoke(self, request: Request, number: str) -> Response:
        serializer = RevokeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        certificate = issuance.certificate_revoke(
            certificate=self.get_object(),
            actor=request_user(request),
            reason=serializer.validated_data["reason"],
        )
        return Response(self._detail(certificate))

    @extend_schema(
        summary="Replace an issued certificate with a corrected one (officers)",
        description="Creates an approved application copied from the certificate's, with the members sent "
        "here replacing the copied ones, and queues its issuance. When the replacement is issued the old "
        "certificate becomes `superseded` and the new document names it in `replaces`.",
        request=ApplicationInputSerializer,
        examples=REPLACEMENT_EXAMPLES,
        responses={202: ApplicationDetailOutputSerializer, **problems(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def replace(self, request: Request, number: str) -> Response:
        certificate = self.get_object()
        serializer = ApplicationInputSerializer(data=request.data, partial=True, context={"request": request})
        serializer.is_valid(raise_exception=True)
        fields, items = serializer.to_service_arguments()
        application = issuance.certificate_replace(
            certificate=certificate, actor=request_user(request), fields=fields, items=items
        )
        return Response(ApplicationDetailOutputSerializer(application).data, status=status.HTTP_202_ACCEPTED)

    def _detail(self, certificate: Certificate) -> dict[str, Any]:
        fresh = certificate_detail_for(user=request_user(self.request)).get(pk=certificate.pk)
        return CertificateDetailOutputSerializer(fresh, context=self.get_serializer_context()).data
