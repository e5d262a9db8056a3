"""Customs declarations in the admin: read-only; annulling calls the service, with a reason."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from certificates import roles
from certificates.accounts.models import User
from certificates.admin_actions import DecisionActionsMixin
from certificates.customs import services
from certificates.customs.inquiries import admin as inquiries_admin  # registers the inquiry admin
from certificates.customs.models import Declaration, DeclarationLine
from certsvc.admin_base import ReadOnlyAdmin, ReadOnlyInline

__all__ = ["DeclarationAdmin", "inquiries_admin"]


class DeclarationLineInline(ReadOnlyInline):
    model = DeclarationLine
    fields = readonly_fields = ("position", "item_line", "hs_code", "quantity", "unit", "remaining")


# Declarations are written by customs through the API; the admin reads them and may annul one.
@admin.register(Declaration)
class DeclarationAdmin(DecisionActionsMixin, ReadOnlyAdmin):
    list_display = ["declaration_number", "customs_office", "certificate", "customs_organization", "status"]
    list_filter = ["status", "customs_organization", "declared_at"]
    search_fields = ["declaration_number", "customs_office", "certificate__number"]
    date_hierarchy = "declared_at"
    list_select_related = ["certificate", "customs_organization"]
    readonly_fields = [
        "certificate",
        "customs_organization",
        "customs_office",
        "declaration_number",
        "declared_at",
        "status",
        "recorded_by",
        "recorded_at",
        "annulled_at",
        "annul_reason",
    ]
    inlines = [DeclarationLineInline]
    actions = ["annul"]

    def has_annul_permission(self, request: HttpRequest) -> bool:
        return roles.is_administrator(request.user)

    @admin.action(description=_("Annul selected declarations…"), permissions=["annul"])
    def annul(self, request: HttpRequest, queryset: QuerySet[Declaration]) -> TemplateResponse | None:
        def annul_one(declaration: Declaration, actor: User, *, reason: str) -> Declaration:
            return services.declaration_annul(declaration=declaration, actor=actor, reason=reason)

        return self._decide_with_reason(request, queryset, "annul", annul_one, _("Annul"))
