from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from signing import sealing
from signing.errors import SigningError
from signing.services import signing_kek_rewrap


class Command(BaseCommand):
    help = (
        "Re-wrap every data key from the old KEKs (SIGNING_OLD_KEKS) under the current SIGNING_KEK: "
        "signing keys, and the sealed secrets of the apps that registered a rewrap step."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            results = signing_kek_rewrap()
            sealed = sealing.rewrap_registered()
        except SigningError as exc:
            raise CommandError(exc.detail) from exc
        kek_id = settings.SIGNING_KEK_ID
        for alias, count in results.items():
            self.stdout.write(f"{alias}: {count} data key(s) re-wrapped under KEK {kek_id}")
        for name, count in sealed.items():
            self.stdout.write(f"{name}: {count} sealed secret(s) re-wrapped under KEK {kek_id}")
