from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand

from signing.models import SigningKey


def _date(value: datetime | None) -> str:
    return value.isoformat() if value else "-"


class Command(BaseCommand):
    help = "List signing keys: kid, status, backend and dates (public data only)."

    def handle(self, *args: Any, **options: Any) -> None:
        for key in SigningKey.objects.order_by("created_at", "id"):
            self.stdout.write(
                f"{key.kid}  {key.status:<8}  {key.backend}  created={_date(key.created_at)}  "
                f"activated={_date(key.activated_at)}  retired={_date(key.retired_at)}  "
                f"revoked={_date(key.revoked_at)}  compromised={_date(key.compromised_at)}"
            )
