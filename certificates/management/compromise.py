"""What the key-compromise commands share: their arguments and how they read a time."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import CommandError, CommandParser

from signing.times import MissingTimeZone, rfc3339_parse


def add_key_arguments(parser: CommandParser) -> None:
    parser.add_argument("kid", nargs="?", help="key id; one that starts with - goes after -- or as --kid=KID")
    parser.add_argument("--kid", dest="kid_option", help="key id, as signing_key_revoke takes it")
    parser.add_argument(
        "--since", help="RFC 3339 time (e.g. 2026-11-28T10:15:00Z); default: the key's compromise time"
    )


def key_id(options: dict[str, object]) -> str:
    kid = options.get("kid_option") or options.get("kid")
    if not isinstance(kid, str) or not kid:
        raise CommandError("name the compromised key: KID or --kid=KID")
    return kid


def since_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return rfc3339_parse(value)
    except MissingTimeZone as exc:
        raise CommandError("--since needs a time zone (e.g. Z or +05:00)") from exc
    except ValueError as exc:
        raise CommandError(f"--since must be RFC 3339 (2026-11-28T10:15:00Z): {value!r}") from exc
