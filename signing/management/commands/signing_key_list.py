from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from signing.management.scope_arguments import add_scope_arguments, scope_from_options
from signing.models import SigningKey


def _date(value: datetime | None) -> str:
    return value.isoformat() if value else "-"


class Command(BaseCommand):
    help = "List signing keys (of one body or the registry if given): kid, status, owner, dates."

    def add_arguments(self, parser: CommandParser) -> None:
        add_scope_arguments(parser, required=False)

    def handle(self, *args: Any, **options: Any) -> None:
        keys = SigningKey.objects.order_by("created_at", "id")
        scope = scope_from_options(options)
        if scope is not None:
            keys = keys.filter(issuer_country=scope)
        for key in keys:
            self.stdout.write(
                f"{key.kid}  {key.status:<8}  {key.scope_label:<8}  {key.backend}  "
                f"created={_date(key.created_at)}  "
                f"activated={_date(key.activated_at)}  retired={_date(key.retired_at)}  "
                f"revoked={_date(key.revoked_at)}  compromised={_date(key.compromised_at)}"
            )
