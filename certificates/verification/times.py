"""Times as verification writes and reads them: RFC 3339 in UTC, whole seconds (``signing.times``)."""

from __future__ import annotations

from datetime import UTC, datetime

from signing.times import rfc3339, rfc3339_parse

__all__ = ["day", "rfc3339", "rfc3339_parse"]


def day(moment: datetime) -> str:
    return moment.astimezone(UTC).date().isoformat()
