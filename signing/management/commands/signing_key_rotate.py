from typing import Any

from django.core.management.base import BaseCommand

from signing.services import signing_key_rotate


class Command(BaseCommand):
    help = "Create a new active signing key; the previously active key is retired."

    def handle(self, *args: Any, **options: Any) -> None:
        key = signing_key_rotate(actor="manage.py signing_key_rotate")
        self.stdout.write(f"{key.kid} {key.status}")
