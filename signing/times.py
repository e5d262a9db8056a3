"""Times as certsvc writes them: RFC 3339 in UTC to the second (``2026-11-28T10:15:00Z``).

Used offline as well as by the service, so it never imports Django.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["MissingTimeZone", "rfc3339", "rfc3339_or_date_parse", "rfc3339_parse"]


class MissingTimeZone(ValueError):
    """A time without a zone: which instant it names depends on where it is read."""


def rfc3339(moment: datetime) -> str:
    """``moment`` in UTC as ``YYYY-MM-DDTHH:MM:SSZ`` (fractions of a second dropped)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc3339_parse(text: str) -> datetime:
    """An aware datetime from RFC 3339 text (``…Z`` or ``…+05:00``); ``MissingTimeZone`` without a zone.

    Any other text that is not an ISO 8601 time raises ``ValueError``.
    """
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise MissingTimeZone(f"{text!r} has no time zone")
    return moment


def rfc3339_or_date_parse(text: str) -> datetime:
    """RFC 3339 (``Z`` in either case), or a plain date or a time without a zone, both read as UTC.

    The offline verifier reads ``--at``, documents, bundles and key lists this way.
    """
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment
