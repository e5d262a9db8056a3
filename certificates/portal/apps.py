from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """Registered for its templates and static files only: the portal has no models."""

    name = "certificates.portal"
    label = "portal"
    verbose_name = _("Portal")
