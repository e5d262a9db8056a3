from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from certificates.models import User


class ManagesOrganizationWebhooks(BasePermission):
    """Exporter and customs users manage their own organization's webhook endpoints."""

    message = _("Only exporter and customs users of an organization manage its webhooks.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and user.organization_id is not None
            and user.role in (User.Role.EXPORTER, User.Role.CUSTOMS)
        )
