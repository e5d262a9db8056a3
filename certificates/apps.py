from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: these modules read models, which are not loaded when this one is.
        from certificates import observability
        from certificates.applications import signal_handlers as application_handlers
        from certificates.credentials import signal_handlers as credential_handlers
        from certificates.customs import signal_handlers as customs_handlers
        from certificates.customs.declaration_check import DECLARATION_CHECKER
        from certificates.customs.selectors import certificate_usage_read
        from certificates.issuance import signal_handlers as issuance_handlers
        from certificates.verification import signal_handlers as verification_handlers
        from certificates.verification.declaration_check import declaration_checker_register
        from certificates.verification.usage import usage_reader_register

        application_handlers.connect()
        issuance_handlers.connect()
        verification_handlers.connect()
        customs_handlers.connect()
        credential_handlers.connect()
        observability.register()
        usage_reader_register(certificate_usage_read)
        declaration_checker_register(DECLARATION_CHECKER)
