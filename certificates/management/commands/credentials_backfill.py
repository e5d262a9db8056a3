from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from certificates.credentials.services import certificate_credentials_backfill, status_list_refresh
from signing.errors import KeyUnavailable, NoActiveKey


class Command(BaseCommand):
    help = "Sign the W3C credential of every certificate that has none, then the status list (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            signed = certificate_credentials_backfill()
            status_list_refresh()
        except (NoActiveKey, KeyUnavailable) as exc:
            raise CommandError(f"cannot sign: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"{signed} credential(s) signed; status list re-signed."))
