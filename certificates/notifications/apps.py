from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "certificates.notifications"
    label = "notifications"
    verbose_name = "Notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from certificates.notifications import observability, signal_handlers

        signal_handlers.connect_signing_signals()
        observability.register()
