from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransparencyConfig(AppConfig):
    name = "signing.transparency"
    label = "transparency"
    verbose_name = _("Transparency log")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: the gauges read models, which are not loaded when this module is.
        from signing.transparency import observability

        observability.register()
