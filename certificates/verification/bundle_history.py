"""What the status bundles said and when (CONTRACT §4 ``?since=``): bundles issued, entries changed.

Every bundle built records its ``issued_at`` and, against the entries the previous one listed, the
entries that changed, with that bundle's ``issued_at`` as the moment of the change: a certificate
that left the list (an annulled declaration gave quantities back) is kept as ``valid``. A delta
since an issued bundle is then the entries changed in later bundles, which turns that bundle into
the current one exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import Max
from django.utils.translation import gettext as _

from certificates.verification.models import StatusBundleIssue, StatusBundleState
from certificates.verification.statuses import VALID
from certificates.verification.times import rfc3339, rfc3339_parse
from certsvc.problems import ProblemError

DELTA_WINDOW = timedelta(days=7)
_LOCK_ID = 0x5B0D1E  # pg_advisory_xact_lock: one bundle recorded at a time


def bundle_history_lock() -> None:
    """Serialise the recording of bundles (in the caller's transaction) on PostgreSQL."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])


def bundle_issue_moment(now: datetime) -> datetime:
    """``now`` in whole seconds, or a second after the last bundle if one was issued in that second:
    each ``issued_at`` names one bundle."""
    moment: datetime = now.replace(microsecond=0)
    if not StatusBundleIssue.objects.filter(issued_at=moment).exists():
        return moment
    last: datetime = StatusBundleIssue.objects.aggregate(last=Max("issued_at"))["last"]
    return max(moment, last) + timedelta(seconds=1)


def bundle_history_record(entries: Iterable[dict[str, str]], issued_at: datetime) -> int:
    """Record the bundle issued at ``issued_at`` with ``entries``; how many entries changed."""
    current = {entry["number"]: entry for entry in entries}
    stored = {
        number: (status, rfc3339(since))
        for number, status, since in StatusBundleState.objects.values_list("number", "status", "since")
    }
    changed = [
        _state(e, e["status"], e["since"], issued_at) for n, e in current.items() if _differs(e, stored)
    ]
    ended = [n for n, (status, _since) in stored.items() if status != VALID and n not in current]
    changed += [_state({"number": n}, VALID, rfc3339(issued_at), issued_at) for n in ended]
    StatusBundleState.objects.bulk_create(
        changed,
        batch_size=5000,
        update_conflicts=True,
        unique_fields=["number"],
        update_fields=["status", "since", "changed_at"],
    )
    StatusBundleIssue.objects.create(issued_at=issued_at)
    _forget_before(issued_at - DELTA_WINDOW)
    return len(changed)


def _differs(entry: dict[str, str], stored: dict[str, tuple[str, str]]) -> bool:
    return stored.get(entry["number"]) != (entry["status"], entry["since"])


def _state(entry: dict[str, str], status: str, since: str, issued_at: datetime) -> StatusBundleState:
    return StatusBundleState(
        number=entry["number"], status=status, since=rfc3339_parse(since), changed_at=issued_at
    )


def _forget_before(moment: datetime) -> None:
    """Bundles older than the window, and ``valid`` entries no delta can reach any more."""
    StatusBundleIssue.objects.filter(issued_at__lt=moment).delete()
    StatusBundleState.objects.filter(status=VALID, changed_at__lt=moment).delete()


def bundle_since_require(since: str, now: datetime) -> datetime:
    """The ``issued_at`` named by ``since`` if a bundle of the last 7 days was issued then; else 409."""
    try:
        moment = rfc3339_parse(since).astimezone(UTC)
    except (TypeError, ValueError, OverflowError):
        raise _delta_unavailable() from None
    # Only a moment of the window reaches the database (no year 1 or 9999 to overflow it).
    if not now - DELTA_WINDOW <= moment <= now + timedelta(days=1):
        raise _delta_unavailable()
    if not StatusBundleIssue.objects.filter(issued_at=moment).exists():
        raise _delta_unavailable()
    return moment


def _delta_unavailable() -> ProblemError:
    return ProblemError(
        "delta_unavailable",
        _("since is not the issued_at of a status bundle of the last 7 days: fetch the whole bundle."),
    )


def bundle_changes_since(moment: datetime) -> list[dict[str, str]]:
    """The entries changed in bundles issued after ``moment``, by number (``valid`` ones included)."""
    rows = StatusBundleState.objects.filter(changed_at__gt=moment).order_by("number")
    return [
        {"number": number, "status": status, "since": rfc3339(since)}
        for number, status, since in rows.values_list("number", "status", "since")
    ]
