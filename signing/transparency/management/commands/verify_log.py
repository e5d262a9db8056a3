from typing import Any

from django.core.management.base import BaseCommand, CommandError

from signing.transparency.fsck import LogInconsistent, log_verify


class Command(BaseCommand):
    help = (
        "Check the transparency log: every leaf hash, every stored subtree and every checkpoint. "
        "Exits non-zero at the first inconsistency."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = log_verify()
        except LogInconsistent as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(summary)
