from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from signing.management.dash_values import dash_values_glued
from signing.transparency.witnesses import WitnessError, witness_register


class Command(BaseCommand):
    help = "Register a witness of the transparency log: its name, Ed25519 public key and the user that posts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help='e.g. "Customs of Belarus"')
        parser.add_argument(
            "--user", required=True, help="username of the customs user that posts cosignatures"
        )
        # Checked in handle, not by argparse: call_command(public_key=...) then passes any value unparsed.
        parser.add_argument(
            "--public-key", help="the witness's x (base64url), as certsvc-witness keygen prints"
        )

    def run_from_argv(self, argv: list[str]) -> None:
        super().run_from_argv(dash_values_glued(argv, "--public-key"))

    def handle(self, *args: Any, name: str, user: str, public_key: str | None, **options: Any) -> None:
        if not public_key:
            raise CommandError("--public-key is required: the witness's x, as certsvc-witness keygen prints")
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
