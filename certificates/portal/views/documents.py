"""Supporting documents and the goods import: pages onto the applications room's own services."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from certificates.applications import documents
from certificates.applications.goods_import import IMPORT_MODES, GoodsImportError, import_goods
from certificates.applications.goods_template import TEMPLATE_FORMATS, goods_template
from certificates.applications.models import SupportingDocument
from certificates.portal.views.base import (
    allows,
    application_for,
    detail_url,
    exporter_only,
    portal_user,
    reader_only,
    refusal_shown,
)
from certsvc.problems import ProblemError

# A document shown inside the portal's own page: framed by it only, running nothing.
INLINE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"


@allows("post")
@exporter_only
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_for(request, pk)
    uploaded = request.FILES.get("file")
    try:
        documents.attach_document(portal_user(request), application, request.POST.get("kind", ""), uploaded)
    except (ProblemError, ValidationError) as error:
        refusal_shown(request, error)
    else:
        messages.success(request, _("The document is attached."))
    return redirect(detail_url(application) + "#documents")


@allows("post")
@exporter_only
def document_remove(request: HttpRequest, pk: int, doc_id: int) -> HttpResponse:
    document = _readable(request, pk, doc_id)
    try:
        documents.remove_document(portal_user(request), document)
    except (ProblemError, ValidationError) as error:
        refusal_shown(request, error)
    return redirect(reverse("portal:application", args=[pk]) + "#documents")


@reader_only
def document_file(request: HttpRequest, pk: int, doc_id: int) -> FileResponse:
    """The file as stored, under its checked type; ``?inline=1`` for the frame on the application's page."""
    document = _readable(request, pk, doc_id)
    inline = request.GET.get("inline") == "1"
    response = documents.document_download(document, inline=inline)
    if inline:
        response["X-Frame-Options"] = "SAMEORIGIN"
        response["Content-Security-Policy"] = INLINE_POLICY
    return response


def _readable(request: HttpRequest, pk: int, doc_id: int) -> SupportingDocument:
    try:
        return documents.document_get_for(user=portal_user(request), application_id=pk, document_id=doc_id)
    except ProblemError as error:
        raise Http404(error.detail) from error


def documents_of(request: HttpRequest, pk: int) -> list[SupportingDocument]:
    """The application's documents for its page (the same reading rule as the API's)."""
    try:
        return list(documents.document_list_for(user=portal_user(request), application_id=pk))
    except ProblemError:
        return []


@allows("get", "post")
@exporter_only
def goods_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a CSV or XLSX of goods lines: all of them are imported, or none and every bad cell shown."""
    application = application_for(request, pk)
    context: dict[str, Any] = {"application": application, "modes": IMPORT_MODES, "formats": TEMPLATE_FORMATS}
    if request.method != "POST":
        return render(request, "portal/goods_import.html", context)
    try:
        uploaded = request.FILES.get("file") or _pasted(request.POST.get("pasted", ""))
        count = import_goods(portal_user(request), application, uploaded, request.POST.get("mode", "replace"))
    except GoodsImportError as error:
        return render(
            request, "portal/goods_import.html", {**context, "import_errors": error.errors}, status=400
        )
    except (ProblemError, ValidationError) as error:
        refusal_shown(request, error)
        return render(request, "portal/goods_import.html", context, status=400)
    messages.success(request, _("%(count)d goods lines imported.") % {"count": count})
    return redirect(detail_url(application))


def _pasted(text: str) -> io.BytesIO | None:
    """Lines copied from a spreadsheet arrive tab-separated; the import reads them like a CSV file."""
    return io.BytesIO(text.encode("utf-8")) if text.strip() else None


@exporter_only
def goods_template_file(request: HttpRequest, file_format: str) -> HttpResponse:
    if file_format not in TEMPLATE_FORMATS:
        raise Http404
    template = goods_template(file_format)
    response = HttpResponse(template.content, content_type=template.content_type)
    response["Content-Disposition"] = f'attachment; filename="{template.filename}"'
    return response
