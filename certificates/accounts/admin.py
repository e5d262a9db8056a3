"""Admin of organizations and users with their roles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from certificates.accounts.models import Organization, User

if TYPE_CHECKING:
    _OrganizationAdmin = admin.ModelAdmin[Organization]
    _UserAdmin = BaseUserAdmin[User]
else:  # the stubs make these generic; at run time they take no type arguments
    _OrganizationAdmin, _UserAdmin = admin.ModelAdmin, BaseUserAdmin


@admin.register(Organization)
class OrganizationAdmin(_OrganizationAdmin):
    list_display = ["name", "kind", "country", "tax_id", "email"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "tax_id", "email"]


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
