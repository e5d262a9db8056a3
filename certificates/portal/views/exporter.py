"""The exporter's pages: the organization's applications and certificates, the application form."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from certificates.applications import selectors, services
from certificates.applications.models import Application
from certificates.issuance.selectors import certificate_list_for
from certificates.portal.views.base import (
    allows,
    application_for,
    certificate_for,
    detail_url,
    exporter_only,
    portal_user,
    run_service,
)
from certificates.portal.views.form import form_page, form_posted, stored_values

Status = Application.Status


@exporter_only
def dashboard(request: HttpRequest) -> HttpResponse:
    """The organization's applications (filtered by status and text) and its certificates."""
    user = portal_user(request)
    applications = selectors.application_list_for(user=user).order_by("-created_at", "-id")
    status, text = request.GET.get("status", ""), request.GET.get("q", "").strip()
    if status in Status.values:
        applications = applications.filter(status=status)
    if text:
        applications = applications.filter(invoice_number__icontains=text) | applications.filter(
            consignee_name__icontains=text
        )
    certificates = certificate_list_for(user=user).order_by("-issued_at", "-id")[:50]
    context = {"applications": applications[:100], "certificates": certificates, "statuses": Status.choices}
    return render(request, "portal/dashboard.html", {**context, "status": status, "q": text})


@allows("get", "post")
@exporter_only
def application_new(request: HttpRequest) -> HttpResponse:
    """A new draft; ``?replaces=<number>`` starts it as a copy of that certificate's application."""
    if request.method == "POST":
        return form_posted(request, save=partial(_save, request, None), application=None)
    values: dict[str, Any] = {"type": "export", "print_language": "en"}
    number = request.GET.get("replaces", "")
    if number:
        values = {**stored_values(certificate_for(request, number).application), "replaces": number}
    return form_page(request, values=values, errors={}, application=None)


@allows("get", "post")
@exporter_only
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_for(request, pk)
    if request.method == "POST":
        return form_posted(request, save=partial(_save, request, application), application=application)
    return form_page(request, values=stored_values(application), errors={}, application=application)


@allows("post")
@exporter_only
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_for(request, pk)
    done = _("Submitted for review.")
    return run_service(
        request, services.application_submit, detail_url(application), application=application, done=done
    )


@allows("post")
@exporter_only
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_for(request, pk)
    return run_service(
        request,
        services.application_withdraw,
        detail_url(application),
        application=application,
        done=_("Withdrawn."),
    )


def _save(
    request: HttpRequest, application: Application | None, fields: dict[str, Any], items: list[Any] | None
) -> Application:
    user = portal_user(request)
    if application is None:
        return services.application_create(actor=user, fields=fields, items=items or [])
    if "resubmit" in request.POST:
        return services.application_resubmit(application=application, actor=user, fields=fields, items=items)
    return services.application_update(application=application, actor=user, fields=fields, items=items)
