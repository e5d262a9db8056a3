"""DRF permission classes, one per role an endpoint needs, each asking ``certificates.roles``.

Anonymous callers get 401 before any role check (``IsAuthenticated``). Object ownership is not
checked here: the rooms' selectors return only what a user may see, so another organization's
record is a 404, decided in one place.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from certificates import roles
from certificates.accounts.models import Organization, User


class _RolePermission(IsAuthenticated):
    @staticmethod
    def allows(user: object) -> bool:
        """Each subclass names a predicate of ``certificates.roles``."""
        raise NotImplementedError

    def has_permission(self, request: Request, view: APIView) -> bool:
        return super().has_permission(request, view) and self.allows(request.user)


class IsExporter(_RolePermission):
    message = _("Only exporters can do this.")
    allows = staticmethod(roles.is_exporter)


class IsOfficer(_RolePermission):
    message = _("Only certification officers can do this.")
    allows = staticmethod(roles.is_officer)


class IsExporterOrOfficer(_RolePermission):
    """Reading applications: exporters (their own) and officers (the review queue); not customs."""

    message = _("Only exporters and certification officers can read applications.")
    allows = staticmethod(roles.may_read_applications)


class IsCertificateReader(_RolePermission):
    allows = staticmethod(roles.may_read_certificates)


class IsCustomsOrStaff(_RolePermission):
    message = _("Only customs users and administrators can list verifications.")
    allows = staticmethod(roles.may_list_verifications)


class ManagesOrganizationWebhooks(_RolePermission):
    """Exporter and customs users manage their own organization's webhook endpoints."""

    message = _("Only exporter and customs users of an organization manage its webhooks.")
    allows = staticmethod(roles.manages_webhooks)


def request_user(request: Request) -> User:
    """The signed-in caller, once the view's permission classes have admitted the request."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise NotAuthenticated()
    return user


def request_organization_id(request: Request) -> int:
    """The caller's organization, for views whose permission requires one."""
    organization_id = request_user(request).organization_id
    if organization_id is None:
        raise PermissionDenied()
    return organization_id


def request_organization(request: Request) -> Organization:
    """The caller's organization itself, for views that hand it to a service."""
    organization = request_user(request).organization
    if organization is None:
        raise PermissionDenied()
    return organization
