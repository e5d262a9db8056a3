"""Applications in the admin: read-only data, officer decisions through the workflow services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from certificates import roles
from certificates.admin_actions import (
    AuditEventInline,
    DecisionActionsMixin,
    ReasonForm,
    for_each_application,
)
from certificates.applications import services
from certificates.applications.admin_review import ReviewAdminMixin, SupportingDocumentInline
from certificates.applications.models import (
    APPLICATION_TRANSITIONS,
    GOODS_ITEM_COLUMNS,
    Application,
    ApplicationEvent,
    GoodsItem,
)
from certsvc.admin_base import ReadOnlyAdmin, ReadOnlyInline

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Status = Application.Status


@dataclass(frozen=True)
class Decision:
    """One officer decision on one application, as a button on its admin page."""

    name: str
    title: StrOrPromise
    target: str
    service: Callable[..., Application]
    needs_reason: bool = False


DECISIONS = {
    decision.name: decision
    for decision in (
        Decision("approve", _("Approve"), Status.APPROVED, services.application_approve),
        Decision("return", _("Return for corrections"), Status.RETURNED, services.application_return, True),
        Decision("reject", _("Reject"), Status.REJECTED, services.application_reject, True),
    )
}


def decisions_open(application: Application, user: object) -> list[Decision]:
    """The decisions this user may take on the application as it stands now."""
    if not roles.may_decide(user):
        return []
    allowed = APPLICATION_TRANSITIONS[application.status]
    return [decision for decision in DECISIONS.values() if decision.target in allowed]


class GoodsItemInline(ReadOnlyInline):
    model = GoodsItem
    fields = readonly_fields = (*GOODS_ITEM_COLUMNS, "ct1_missing_display")

    @admin.display(description=_("CT-1 columns not stated"))
    def ct1_missing_display(self, item: GoodsItem) -> str:
        return ", ".join(item.ct1_missing) or "—"


class ApplicationEventInline(AuditEventInline):
    model = ApplicationEvent
    statuses = Status


@admin.register(Application)
class ApplicationAdmin(ReviewAdminMixin, DecisionActionsMixin, ReadOnlyAdmin):
    list_display = [
        "id",
        "exporter",
        "type",
        "status",
        "invoice_number",
        "country_of_destination",
        "assigned_to",
        "created_at",
    ]
    list_filter = ["status", "type", "country_of_destination", "country_of_export", "created_at"]
    list_select_related = ["exporter", "assigned_to"]
    search_fields = ["exporter__name", "invoice_number", "items__hs_code", "consignee_name"]
    date_hierarchy = "created_at"
    inlines = [GoodsItemInline, SupportingDocumentInline, ApplicationEventInline]
    actions = ["approve", "reject", "return_for_corrections", "reassign"]

    def get_urls(self) -> list[URLPattern]:
        decide = self.admin_site.admin_view(require_POST(self.decide_view))
        name = "certificates_application_decide"
        return [path("<int:object_id>/decide/<str:decision>/", decide, name=name), *super().get_urls()]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        application = self.get_object(request, object_id)
        if application is not None:
            extra_context = {**(extra_context or {}), **self._decision_context(request, application)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _decision_context(self, request: HttpRequest, application: Application) -> dict[str, Any]:
        certificate = getattr(application, "certificate", None)
        return {
            "decisions": decisions_open(application, request.user),
            "certificate": certificate,
            "certificate_admin_url": certificate
            and reverse("admin:certificates_certificate_change", args=[certificate.pk]),
            "certificate_pdf_url": certificate and reverse("certificate-pdf", args=[certificate.number]),
        }

    def decide_view(self, request: HttpRequest, object_id: int, decision: str) -> HttpResponse:
        application = get_object_or_404(Application, pk=object_id)
        chosen = DECISIONS.get(decision)
        if chosen is None or not roles.may_decide(request.user):
            raise PermissionDenied
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if chosen.needs_reason and not form.is_valid():
            return self._reason_form(request, application, chosen, form)
        reason = {"reason": form.cleaned_data["reason"]} if chosen.needs_reason else {}
        self._decide_one(request, application, chosen, reason)
        return HttpResponseRedirect(reverse("admin:certificates_application_change", args=[application.pk]))

    def _decide_one(
        self, request: HttpRequest, application: Application, decision: Decision, reason: dict[str, str]
    ) -> None:
        try:
            decision.service(application=application, actor=request.user, **reason)
        except services.ApplicationError as error:
            self.message_user(request, f"{application}: {error.detail}", messages.ERROR)
            return
        application.refresh_from_db()
        done = _("%(application)s is now %(status)s.")
        self.message_user(
            request,
            done % {"application": application, "status": application.get_status_display()},
            messages.SUCCESS,
        )

    def _reason_form(
        self, request: HttpRequest, application: Application, decision: Decision, form: ReasonForm
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": application,
            "title": decision.title,
            "form": form,
        }
        return TemplateResponse(request, "admin/certificates/application/decide_reason.html", context)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Application], search_term: str
    ) -> tuple[QuerySet[Application], bool]:
        queryset, _may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False  # an HS code found on two items still lists the application once

    @admin.action(description=_("Approve selected applications"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Application]) -> None:
        self._decide(request, queryset, for_each_application(services.application_approve))

    @admin.action(description=_("Reject selected applications…"))
    def reject(self, request: HttpRequest, queryset: QuerySet[Application]) -> TemplateResponse | None:
        return self._decide_with_reason(
            request, queryset, "reject", for_each_application(services.application_reject), _("Reject")
        )

    @admin.action(description=_("Return selected applications for corrections…"))
    def return_for_corrections(
        self, request: HttpRequest, queryset: QuerySet[Application]
    ) -> TemplateResponse | None:
        return self._decide_with_reason(
            request,
            queryset,
            "return_for_corrections",
            for_each_application(services.application_return),
            _("Return for corrections"),
        )
