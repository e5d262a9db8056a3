"""Supporting documents and goods spreadsheets through the API: thin doors onto the same services.

Beside ``api/`` rather than in it: the goods import validates rows with the API's item serializer,
so a view in ``api/`` calling it would make the two depend on each other.

Another organization's application or document is a 404, decided by the documents selectors.
Downloads are served as attachments with the stored (detected) content type and ``nosniff``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, HttpResponseBase
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from certificates.api.fields import StrictSerializer
from certificates.api.problems import problems
from certificates.applications import documents, goods_import
from certificates.applications.goods_template import TEMPLATE_FORMATS, goods_template
from certificates.applications.models import SupportingDocument
from certificates.permissions import IsExporter, IsExporterOrOfficer, request_user

_BINARY_TYPES = ("application/pdf", "image/jpeg", "image/png")


class FirstRenderer(BaseContentNegotiation):
    """Files answer in their own type whatever ``Accept`` says; errors stay problem+json."""

    def select_parser(self, request: Any, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        return renderers[0], renderers[0].media_type


class DocumentUploadSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=SupportingDocument.Kind.choices)
    file = serializers.FileField(
        help_text="PDF, JPEG or PNG, judged by content; at most ATTACHMENT_MAX_BYTES."
    )


class DocumentOutputSerializer(serializers.ModelSerializer[SupportingDocument]):
    name = serializers.CharField(source="display_name", help_text="The client's file name, made safe.")
    uploaded_by = serializers.CharField(source="uploaded_by.username")
    content_url = serializers.SerializerMethodField()

    class Meta:
        model = SupportingDocument
        fields = [
            "id",
            "kind",
            "name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "content_url",
        ]

    def get_content_url(self, document: SupportingDocument) -> str:
        return f"/api/v1/applications/{document.application_id}/documents/{document.pk}/content"


class GoodsImportSerializer(StrictSerializer):
    file = serializers.FileField(help_text="CSV (UTF-8, `,` or `;`) or XLSX with the template's header row.")
    mode = serializers.ChoiceField(choices=goods_import.IMPORT_MODES, required=False, default="replace")


class GoodsImportOutputSerializer(serializers.Serializer[Any]):
    imported = serializers.IntegerField()
    mode = serializers.CharField()


_UPLOAD_EXAMPLE = [
    OpenApiExample(
        "Attach the invoice",
        value={"kind": "invoice", "file": "invoice-2026-0042.pdf"},
        request_only=True,
        media_type="multipart/form-data",
        description="multipart/form-data: `kind` and the file's bytes in `file`.",
    )
]
_IMPORT_EXAMPLE = [
    OpenApiExample(
        "Replace the goods lines from a workbook",
        value={"file": "goods.xlsx", "mode": "replace"},
        request_only=True,
        media_type="multipart/form-data",
        description="multipart/form-data; `mode=append` adds the lines after the existing ones.",
    )
]


class _DocumentsView(APIView):
    parser_classes = [MultiPartParser, FormParser]
    read_permissions: list[type[BasePermission]] = [IsExporterOrOfficer]
    write_permissions: list[type[BasePermission]] = [IsExporter]

    def get_permissions(self) -> list[Any]:
        classes = self.read_permissions if self.request.method == "GET" else self.write_permissions
        return [permission() for permission in classes]


class DocumentListView(_DocumentsView):
    @extend_schema(
        operation_id="application_documents_list",
        summary="The application's supporting documents (its exporter and officers of its body)",
        responses={200: DocumentOutputSerializer(many=True), **problems(401, 403, 404)},
    )
    def get(self, request: Request, id: int) -> Response:
        found = documents.document_list_for(user=request_user(request), application_id=id)
        return Response(DocumentOutputSerializer(found, many=True).data)

    @extend_schema(
        operation_id="application_documents_create",
        summary="Attach an invoice, contract or evidence of origin (exporters, draft or returned)",
        request={"multipart/form-data": DocumentUploadSerializer},
        examples=_UPLOAD_EXAMPLE,
        responses={201: DocumentOutputSerializer, **problems(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, id: int) -> Response:
        user = request_user(request)
        application = documents.readable_application(user=user, application_id=id)
        kind = _form(request).get("kind", "")
        document = documents.attach_document(user, application, str(kind), request.FILES.get("file"))
        return Response(DocumentOutputSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentDetailView(_DocumentsView):
    @extend_schema(
        operation_id="application_documents_retrieve",
        summary="One supporting document's metadata",
        responses={200: DocumentOutputSerializer, **problems(401, 403, 404)},
    )
    def get(self, request: Request, id: int, doc_id: int) -> Response:
        document = documents.document_get_for(
            user=request_user(request), application_id=id, document_id=doc_id
        )
        return Response(DocumentOutputSerializer(document).data)

    @extend_schema(
        operation_id="application_documents_destroy",
        summary="Remove a supporting document (exporters, draft or returned)",
        responses={204: OpenApiResponse(description="Removed."), **problems(401, 403, 404, 409)},
    )
    def delete(self, request: Request, id: int, doc_id: int) -> Response:
        user = request_user(request)
        documents.remove_document(
            user, documents.document_get_for(user=user, application_id=id, document_id=doc_id)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentContentView(_DocumentsView):
    content_negotiation_class = FirstRenderer

    @extend_schema(
        operation_id="application_documents_content",
        summary="Download a supporting document, as an attachment in its detected type",
        responses={
            **{(200, media): OpenApiTypes.BINARY for media in _BINARY_TYPES},
            **problems(401, 403, 404),
        },
    )
    def get(self, request: Request, id: int, doc_id: int) -> HttpResponseBase:
        document = documents.document_get_for(
            user=request_user(request), application_id=id, document_id=doc_id
        )
        return documents.document_download(document)


class GoodsImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]
    permission_classes = [IsExporter]

    @extend_schema(
        operation_id="application_items_import",
        summary="Import the goods lines from a CSV or XLSX file (exporters, draft or returned)",
        description="Every row is validated as the API validates `items`; when any is bad nothing is "
        "imported and `errors` names each bad cell (`row`, `column`, `cell` such as `C7`, `field` "
        "`items.N.name`). The lines replace the application's (or, with `mode=append`, follow them), "
        "up to 500.",
        request={"multipart/form-data": GoodsImportSerializer},
        examples=_IMPORT_EXAMPLE,
        responses={200: GoodsImportOutputSerializer, **problems(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, id: int) -> Response:
        user = request_user(request)
        application = documents.readable_application(user=user, application_id=id)
        mode = str(_form(request).get("mode") or "replace")
        imported = goods_import.import_goods(user, application, request.FILES.get("file"), mode)
        return Response({"imported": imported, "mode": mode})


class GoodsTemplateView(APIView):
    permission_classes = [IsExporterOrOfficer]
    content_negotiation_class = FirstRenderer

    @extend_schema(
        operation_id="application_items_template",
        summary="The goods import template: the header row and one example line",
        parameters=[OpenApiParameter("format", str, enum=list(TEMPLATE_FORMATS), default="xlsx")],
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
            (200, "text/csv"): OpenApiTypes.BINARY,
            **problems(400, 401, 403),
        },
    )
    def get(self, request: Request) -> HttpResponseBase:
        file_format = request.query_params.get("format", "xlsx")
        if file_format not in TEMPLATE_FORMATS:
            raise serializers.ValidationError({"format": [f"Choose one of: {', '.join(TEMPLATE_FORMATS)}."]})
        template = goods_template(file_format)
        return _attachment(
            HttpResponse(template.content, content_type=template.content_type), template.filename
        )


def _form(request: Request) -> Any:
    data = request.data
    return data if hasattr(data, "get") else {}


def _attachment(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
