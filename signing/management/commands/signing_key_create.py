from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from signing.services import signing_key_create


class Command(BaseCommand):
    help = "Create a signing key (pending unless --activate)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--activate", action="store_true", help="make it the active key at once")
        parser.add_argument("--backend", default=None, help="backend alias (default SIGNING_BACKEND)")

    def handle(self, *args: Any, activate: bool, backend: str | None, **options: Any) -> None:
        key = signing_key_create(activate=activate, backend=backend, actor="manage.py signing_key_create")
        self.stdout.write(f"{key.kid} {key.status}")
