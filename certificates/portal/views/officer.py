"""The officer's pages: the review queue, decisions, and revoking or replacing issued certificates."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificates.applications import services
from certificates.applications.assignment import review_queue_for
from certificates.applications.models import Application
from certificates.issuance import services as issuance
from certificates.portal.views.base import (
    allows,
    application_for,
    certificate_for,
    detail_url,
    officer_only,
    portal_user,
    run_service,
)
from certificates.portal.views.form import form_page, form_posted, stored_values

Status = Application.Status


@officer_only
def queue(request: HttpRequest) -> HttpResponse:
    """Submitted applications, oldest first; the filter re-draws only the table under htmx."""
    text = request.GET.get("q", "").strip()
    waiting = review_queue_for(user=portal_user(request))
    if text:
        waiting = waiting.filter(Q(invoice_number__icontains=text) | Q(exporter__name__icontains=text))
    context = {"applications": waiting[:200], "q": text}
    template = "portal/partials/queue_table.html" if getattr(request, "htmx", False) else "portal/queue.html"
    return render(request, template, context)


def _decision(service: Any, *, reason: bool, done: Any) -> Any:
    @allows("post")
    @officer_only
    def decide(request: HttpRequest, pk: int) -> HttpResponse:
        application = application_for(request, pk)
        extra = {"reason": request.POST.get("reason", "")} if reason else {}
        to = detail_url(application)
        return run_service(request, service, to, application=application, done=str(done), **extra)

    return decide


approve = _decision(
    services.application_approve,
    reason=False,
    done=gettext_lazy("Approved: the certificate is being signed."),
)
reject = _decision(services.application_reject, reason=True, done=gettext_lazy("Rejected."))
return_ = _decision(services.application_return, reason=True, done=gettext_lazy("Returned to the exporter."))


@allows("post")
@officer_only
def certificate_revoke(request: HttpRequest, number: str) -> HttpResponse:
    certificate = certificate_for(request, number)
    reason = request.POST.get("reason", "")
    to = detail_url(certificate.application)
    done = _("The certificate is revoked.")
    return run_service(
        request, issuance.certificate_revoke, to, certificate=certificate, reason=reason, done=done
    )


@allows("get", "post")
@officer_only
def certificate_replace(request: HttpRequest, number: str) -> HttpResponse:
    """The certificate's application as a form; saving issues a corrected certificate in its place."""
    certificate = certificate_for(request, number)
    title = _("Replace certificate %(number)s") % {"number": certificate.number}
    if request.method == "POST":
        save = partial(_replace, request, certificate)
        return form_posted(request, save=save, application=certificate.application, title=title)
    values = stored_values(certificate.application)
    values.pop("replaces", None)
    return form_page(request, values=values, errors={}, application=certificate.application, title=title)


def _replace(request: HttpRequest, certificate: Any, fields: dict[str, Any], items: Any) -> Application:
    fields.pop("replaces", None)
    return issuance.certificate_replace(
        certificate=certificate, actor=portal_user(request), fields=fields, items=items
    )
