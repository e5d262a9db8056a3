from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from signing.errors import SigningError
from signing.services import signing_key_revoke
from signing.times import MissingTimeZone, rfc3339_parse


def _compromise_time(value: str) -> datetime:
    try:
        return rfc3339_parse(value)
    except MissingTimeZone as exc:
        raise CommandError("--compromised-at needs a time zone (e.g. Z or +05:00)") from exc
    except ValueError as exc:
        raise CommandError(f"--compromised-at must be RFC 3339 (2026-11-28T10:15:00Z): {value!r}") from exc


class Command(BaseCommand):
    help = "Revoke a compromised signing key. Revoking the active key leaves none active until a rotate."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kid", required=True, help="key id; write --kid=KID, as a kid may start with -")
        parser.add_argument("--compromised-at", required=True, help="RFC 3339 time of the compromise")
        parser.add_argument("--reason", required=True)

    def handle(self, *args: Any, kid: str, compromised_at: str, reason: str, **options: Any) -> None:
        moment = _compromise_time(compromised_at)
        try:
            key = signing_key_revoke(
                kid=kid, compromised_at=moment, reason=reason, actor="manage.py signing_key_revoke"
            )
        except SigningError as exc:
            raise CommandError(exc.detail) from exc
        # The key now holds this very moment as its compromise time.
        self.stdout.write(f"{key.kid} {key.status} compromised_at={moment.isoformat()}")
