"""Role permissions, one class per role an endpoint needs.

Each extends ``IsAuthenticated`` so that anonymous callers get 401 before any role
check. Object ownership is not checked here: the selectors in
``certificates.selectors`` only return what a user may see, so another
organization's application is a 404, decided in one place.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import IsAuthenticated


class IsExporter(IsAuthenticated):
    message = _("Only exporters can do this.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.user.is_exporter


class IsOfficer(IsAuthenticated):
    message = _("Only certification officers can do this.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.user.is_officer


class IsExporterOrOfficer(IsAuthenticated):
    """Reading applications: exporters (their own) and officers (the review queue); not customs."""

    message = _("Only exporters and certification officers can read applications.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return super().has_permission(request, view) and (user.is_exporter or user.is_officer)
