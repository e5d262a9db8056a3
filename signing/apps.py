from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "signing"
    verbose_name = _("Signing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: the check reads models, which are not loaded when this module is.
        from django.db.models.signals import post_delete, post_save

        from signing import observability, published, signals
        from signing.models import SigningKey

        observability.register()
        # Every change of a key, through the services or not, renews the published documents.
        for signal in (signals.signing_key_activated, signals.signing_key_revoked):
            signal.connect(published.published_keys_changed, dispatch_uid="published-keys")
        for model_signal in (post_save, post_delete):
            model_signal.connect(
                published.published_keys_changed, sender=SigningKey, dispatch_uid="published-keys"
            )
