from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from signing.errors import SigningError
from signing.services import signing_kek_rewrap


class Command(BaseCommand):
    help = "Re-wrap every data key from the old KEKs (SIGNING_OLD_KEKS) under the current SIGNING_KEK."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            results = signing_kek_rewrap()
        except SigningError as exc:
            raise CommandError(exc.detail) from exc
        for alias, count in results.items():
            self.stdout.write(f"{alias}: {count} data key(s) re-wrapped under KEK {settings.SIGNING_KEK_ID}")
