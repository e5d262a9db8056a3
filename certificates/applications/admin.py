"""Applications in the admin: read-only data, officer decisions through the workflow services."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from certificates.admin_actions import DecisionActionsMixin, for_each_application
from certificates.applications import services
from certificates.applications.models import GOODS_ITEM_COLUMNS, Application, ApplicationEvent, GoodsItem
from certsvc.admin_base import ReadOnlyAdmin, ReadOnlyInline


class GoodsItemInline(ReadOnlyInline):
    model = GoodsItem
    fields = readonly_fields = GOODS_ITEM_COLUMNS


class ApplicationEventInline(ReadOnlyInline):
    model = ApplicationEvent
    fields = readonly_fields = ("at", "action", "from_status", "to_status", "actor", "reason")


@admin.register(Application)
class ApplicationAdmin(DecisionActionsMixin, ReadOnlyAdmin):
    list_display = [
        "id",
        "exporter",
        "type",
        "status",
        "invoice_number",
        "country_of_destination",
        "created_at",
    ]
    list_filter = ["status", "type", "country_of_destination", "country_of_export", "created_at"]
    list_select_related = ["exporter"]
    search_fields = ["exporter__name", "invoice_number", "items__hs_code", "consignee_name"]
    date_hierarchy = "created_at"
    inlines = [GoodsItemInline, ApplicationEventInline]
    actions = ["approve", "reject", "return_for_corrections"]

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
