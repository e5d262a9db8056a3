from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from signing.transparency.witnesses import WitnessError, witness_register


class Command(BaseCommand):
    help = "Register a witness of the transparency log: its name, Ed25519 public key and the user that posts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help='e.g. "Customs of Belarus"')
        parser.add_argument(
            "--user", required=True, help="username of the customs user that posts cosignatures"
        )
        parser.add_argument(
            "--public-key",
            required=True,
            help="the witness's x (base64url), as certsvc-witness keygen prints",
        )

    def handle(self, *args: Any, name: str, user: str, public_key: str, **options: Any) -> None:
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"no user is named {user!r}")
        try:
            witness = witness_register(
                name=name, user=account, public_key=public_key, actor="manage.py witness_register"
            )
        except WitnessError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(f"witness {witness.name!r} registered: kid {witness.kid}")
