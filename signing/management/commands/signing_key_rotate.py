from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from signing.errors import SigningError
from signing.management.scope_arguments import add_scope_arguments, scope_from_options
from signing.services import signing_key_rotate


class Command(BaseCommand):
    help = (
        "Create a new active key of a body (--body CC) or of the registry; that scope's previous key retires."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_scope_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        scope = scope_from_options(options) or ""
        try:
            key = signing_key_rotate(actor="manage.py signing_key_rotate", issuer_country=scope)
        except SigningError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(f"{key.kid} {key.status} {key.scope_label}")
