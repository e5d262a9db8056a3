"""Admin for recorded verifications: read-only, every organization's (staff only)."""

from __future__ import annotations

from django.contrib import admin

from certificates.verification.models import Verification


@admin.register(Verification)
class VerificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "number", "status", "query", "user", "organization", "at"]
    list_filter = ["status", "query", "organization", "created_at"]
    search_fields = ["number", "user__username", "organization__name"]
    date_hierarchy = "created_at"
    list_select_related = ["user", "organization"]
    readonly_fields = ["created_at", "number", "status", "query", "user", "organization", "at"]

    # A record of what was answered: nobody adds, edits or deletes it by hand.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
