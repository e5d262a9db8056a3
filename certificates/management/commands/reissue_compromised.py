from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from certificates.accounts.models import User
from certificates.issuance.compromise import Reissue, compromised_certificates_reissue
from certificates.issuance.errors import CertificateError
from certificates.management.compromise import add_key_arguments, key_id, since_time


class Command(BaseCommand):
    help = (
        "Re-issue every certificate a revoked signing key signed at or after --since as a replacement "
        "signed with the key issuance now uses. Safe to run again: nothing is re-issued twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_key_arguments(parser)
        parser.add_argument("--actor", required=True, help="username of the certification officer deciding")
        parser.add_argument(
            "--reason", default="", help="for the audit trail (default: the key's revocation reason)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kid = key_id(options)
        try:
            done = compromised_certificates_reissue(
                kid=kid,
                actor=_officer(options["actor"]),
                since=since_time(options["since"]),
                reason=options["reason"],
            )
        except CertificateError as exc:
            raise CommandError(exc.detail) from exc
        for outcome in done:
            self.stdout.write(_line(outcome))
        queued = sum(1 for outcome in done if outcome.replacement is not None)
        self.stdout.write(f"{queued} re-issued, {len(done) - queued} skipped")


def _officer(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user is called {username!r}")
    return user


def _line(outcome: Reissue) -> str:
    number = outcome.certificate.number
    if outcome.replacement is None:
        return f"{number}\tskipped: {outcome.skipped}"
    return f"{number}\tre-issued: replacement application {outcome.replacement.pk}, signing queued"
