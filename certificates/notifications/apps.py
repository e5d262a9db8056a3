from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "certificates.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from certificates.notifications import observability, signal_handlers
        from certificates.notifications.webhook_endpoints import webhook_secrets_rewrap
        from signing import sealing

        signal_handlers.connect_signing_signals()
        observability.register()
        # signing_kek_rewrap re-wraps the sealed webhook secrets too; signing never imports us.
        sealing.rewrap_register("webhook secrets", webhook_secrets_rewrap)
