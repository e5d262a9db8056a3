"""Admin of organizations and users with their roles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from certificates.accounts.bodies import issuing_body_counts, issuing_body_keys, issuing_body_officers
from certificates.accounts.models import Organization, User

if TYPE_CHECKING:
    _OrganizationAdmin = admin.ModelAdmin[Organization]
    _UserAdmin = BaseUserAdmin[User]
else:  # the stubs make these generic; at run time they take no type arguments
    _OrganizationAdmin, _UserAdmin = admin.ModelAdmin, BaseUserAdmin


@admin.register(Organization)
class OrganizationAdmin(_OrganizationAdmin):
    """Every organization; an issuing body also shows its officers, keys and what it has to do."""

    list_display = ["name", "kind", "country", "number_prefix", "tax_id", "email", "body_counts"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "tax_id", "email"]
    readonly_fields = ["body_officers", "body_keys", "body_counts"]

    @admin.display(description=_("Certificates issued / applications pending"))
    def body_counts(self, obj: Organization) -> str:
        if obj.kind != Organization.Kind.ISSUER:
            return "—"
        counts = issuing_body_counts(obj)
        return f"{counts['certificates_issued']} / {counts['applications_pending']}"

    @admin.display(description=_("Officers"))
    def body_officers(self, obj: Organization) -> str:
        if obj.kind != Organization.Kind.ISSUER:
            return "—"
        return ", ".join(officer.get_username() for officer in issuing_body_officers(obj)) or "—"

    @admin.display(description=_("Signing keys"))
    def body_keys(self, obj: Organization) -> str:
        if obj.kind != Organization.Kind.ISSUER:
            return "—"
        return (
            format_html_join(
                format_html("<br>"), "{} ({})", ((key.kid, key.status) for key in issuing_body_keys(obj))
            )
            or "—"
        )


@admin.register(User)
class UserAdmin(_UserAdmin):
    list_display = ["username", "email", "role", "organization", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "is_staff", "is_superuser"]
    list_select_related = ["organization"]
    search_fields = ["username", "email", "first_name", "last_name", "organization__name"]
    autocomplete_fields = ["organization"]
    fieldsets = [
        *(BaseUserAdmin.fieldsets or ()),
        (_("Organization and role"), {"fields": ["organization", "role", "language"]}),
    ]
    add_fieldsets = [
        *(BaseUserAdmin.add_fieldsets or ()),
        (_("Organization and role"), {"fields": ["organization", "role"]}),
    ]
