from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from certificates.credentials.services import certificate_credentials_backfill, status_list_refresh


class Command(BaseCommand):
    help = "Sign the W3C credential of every certificate that has none, then the status list (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        signed = certificate_credentials_backfill()
        status_list_refresh()
        self.stdout.write(self.style.SUCCESS(f"{signed} credential(s) signed; status list re-signed."))
