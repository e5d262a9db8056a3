from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from signing.errors import SigningError
from signing.management.scope_arguments import add_scope_arguments, scope_from_options
from signing.services import signing_key_create


class Command(BaseCommand):
    help = "Create a key of a body (--body CC) or of the registry (--registry); pending unless --activate."

    def add_arguments(self, parser: CommandParser) -> None:
        add_scope_arguments(parser)
        parser.add_argument("--activate", action="store_true", help="make it the scope's active key at once")
        parser.add_argument("--backend", default=None, help="backend alias (default SIGNING_BACKEND)")

    def handle(self, *args: Any, activate: bool, backend: str | None, **options: Any) -> None:
        scope = scope_from_options(options) or ""
        try:
            key = signing_key_create(
                activate=activate, backend=backend, actor="manage.py signing_key_create", issuer_country=scope
            )
        except SigningError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(f"{key.kid} {key.status} {key.scope_label}")
