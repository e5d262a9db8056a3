from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from signing.errors import SigningError
from signing.management.scope_arguments import add_scope_arguments, scope_from_options
from signing.selectors import signing_key_get
from signing.services import signing_key_revoke
from signing.times import MissingTimeZone, rfc3339_parse


def _compromise_time(value: str) -> datetime:
    try:
        return rfc3339_parse(value)
    except MissingTimeZone as exc:
        raise CommandError("--compromised-at needs a time zone (e.g. Z or +05:00)") from exc
    except ValueError as exc:
        raise CommandError(f"--compromised-at must be RFC 3339 (2026-11-28T10:15:00Z): {value!r}") from exc


def _check_scope(kid: str, scope: str | None) -> None:
    """With --body or --registry, refuse a key of another owner: a slip must not revoke the wrong one."""
    key = signing_key_get(kid=kid)
    if scope is not None and key is not None and key.issuer_country != scope:
        raise CommandError(f"key {kid} belongs to {key.scope_label}, not {scope or 'registry'}")


class Command(BaseCommand):
    help = "Revoke a compromised signing key. Revoking the active key leaves none active until a rotate."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kid", required=True, help="key id; write --kid=KID, as a kid may start with -")
        parser.add_argument("--compromised-at", required=True, help="RFC 3339 time of the compromise")
        parser.add_argument("--reason", required=True)
        add_scope_arguments(parser, required=False)

    def handle(self, *args: Any, kid: str, compromised_at: str, reason: str, **options: Any) -> None:
        moment = _compromise_time(compromised_at)
        _check_scope(kid, scope_from_options(options))
        try:
            key = signing_key_revoke(
                kid=kid, compromised_at=moment, reason=reason, actor="manage.py signing_key_revoke"
            )
        except SigningError as exc:
            raise CommandError(exc.detail) from exc
        # The key now holds this very moment as its compromise time.
        self.stdout.write(f"{key.kid} {key.status} compromised_at={moment.isoformat()}")
