"""Admin for recorded verifications: read-only, every organization's (staff only)."""

from __future__ import annotations

from django.contrib import admin

from certificates.verification.models import Verification
from certsvc.admin_base import ReadOnlyAdmin


# A record of what was answered: nobody adds, edits or deletes it by hand.
@admin.register(Verification)
class VerificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "number", "status", "query", "user", "organization", "at"]
    list_filter = ["status", "query", "organization", "created_at"]
    search_fields = ["number", "user__username", "organization__name"]
    date_hierarchy = "created_at"
    list_select_related = ["user", "organization"]
    readonly_fields = ["created_at", "number", "status", "query", "user", "organization", "at"]
