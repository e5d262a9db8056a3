"""An application's page (both roles) and its certificate's files."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from certificates import roles
from certificates.applications.models import Application, SupportingDocument
from certificates.applications.versions import resubmission_diff
from certificates.issuance import services as issuance
from certificates.issuance.models import Certificate
from certificates.issuance.selectors import certificate_access_code_for
from certificates.portal.views.base import application_for, certificate_for, portal_user, reader_only
from certificates.portal.views.documents import documents_of

Status = Application.Status


@reader_only
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_for(request, pk)
    return render(request, "portal/application_detail.html", _detail_context(request, application))


def _detail_context(request: HttpRequest, application: Application) -> dict[str, Any]:
    user = portal_user(request)
    certificate = getattr(application, "certificate", None)
    exporter = roles.is_exporter(user)
    return {
        "application": application,
        "items": list(application.items.all()),
        "events": list(application.events.all()),
        "certificate": certificate,
        "access_code": certificate and certificate_access_code_for(user=user, certificate=certificate),
        "certificate_events": list(certificate.events.all()) if certificate else [],
        "is_exporter": exporter,
        "is_officer": roles.may_decide(user),
        "editable": exporter and application.is_editable,
        "submittable": exporter and application.status in (Status.DRAFT, Status.RETURNED),
        "withdrawable": exporter and application.status in (Status.DRAFT, Status.SUBMITTED, Status.RETURNED),
        "decidable": roles.may_decide(user) and application.status == Status.SUBMITTED,
        "last_return": _last_reason(application, "returned"),
        "documents": documents_of(request, application.pk),
        "document_kinds": SupportingDocument.Kind.choices,
        "has_diff": roles.may_decide(user) and resubmission_diff(application) is not None,
    }


def _last_reason(application: Application, action: str) -> str:
    reasons = [event.reason for event in application.events.all() if event.action == action]
    return reasons[-1] if reasons else ""


@reader_only
def certificate_pdf(request: HttpRequest, number: str) -> HttpResponseBase:
    """The printable PDF, as the API serves it: stamped when no longer valid, else the kept file."""
    certificate = certificate_for(request, number)
    stamped = issuance.certificate_pdf_stamped(certificate=certificate)
    if stamped is not None:
        response = HttpResponse(stamped, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
        return response
    if not certificate.pdf:
        certificate = issuance.certificate_pdf_store(certificate=certificate)
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        content_type="application/pdf",
        filename=_name(certificate, "pdf"),
    )


@reader_only
def certificate_jws(request: HttpRequest, number: str) -> HttpResponse:
    certificate = certificate_for(request, number)
    response = HttpResponse(certificate.jws.encode("ascii"), content_type="application/jose")
    response["Content-Disposition"] = f'attachment; filename="{_name(certificate, "jws")}"'
    return response


def _name(certificate: Certificate, extension: str) -> str:
    return f"{certificate.number}.{extension}"
