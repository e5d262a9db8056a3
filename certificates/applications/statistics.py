"""The officers' dashboard: applications per status, submissions and decisions per day, time to decide.

Every figure is counted by the database over the applications the officer sees (the applications
selector, limited to the officer's issuing bodies); only the decisions of the window are paired
with their submissions in Python, so the cost follows the window's activity, not the registry.
"""

from __future__ import annotations

import bisect
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from certificates import roles
from certificates.accounts.models import User
from certificates.applications import selectors
from certificates.applications.models import Application, ApplicationEvent

DECISIONS = ("approved", "rejected", "returned")


@dataclass(frozen=True)
class DayCount:
    day: date
    submissions: int
    decisions: int


@dataclass(frozen=True)
class DashboardStatistics:
    counts_by_status: dict[str, int]
    per_day: list[DayCount]  # oldest first, one entry per day, zeros included
    median_time_to_decision: timedelta | None  # submission → approve, reject or return, in the window
    decisions_measured: int


def dashboard_statistics(*, user: User, days: int = 30, now: datetime | None = None) -> DashboardStatistics:
    """Figures over the applications the officer sees, for the ``days`` days up to ``now`` (UTC)."""
    now = now or timezone.now()
    first_day = now.date() - timedelta(days=days - 1)
    visible = _visible(user)
    window = ApplicationEvent.objects.filter(
        application__in=visible, at__gte=datetime.combine(first_day, time.min, tzinfo=UTC), at__lte=now
    )
    decisions = window.filter(action__in=DECISIONS)
    durations = _times_to_decision(decisions, now=now)
    return DashboardStatistics(
        counts_by_status=_counts(visible),
        per_day=_per_day(_by_day(window.filter(action="submitted")), _by_day(decisions), first_day, days),
        median_time_to_decision=_median(durations),
        decisions_measured=len(durations),
    )


def _visible(user: User) -> QuerySet[Any]:
    """The officer's applications as a subquery of ids (never loaded into Python)."""
    if not roles.is_officer(user):
        return Application.objects.none().values("pk")
    applications = selectors.application_list_for(user=user)
    return applications.order_by().values("pk")  # the selector keeps to the officer's body


def _counts(visible: QuerySet[Any]) -> dict[str, int]:
    rows = Application.objects.filter(pk__in=visible).order_by().values("status").annotate(n=Count("id"))
    found = {row["status"]: row["n"] for row in rows}
    return {value: found.get(value, 0) for value in Application.Status.values}


def _by_day(events: QuerySet[ApplicationEvent]) -> dict[date, int]:
    rows = events.order_by().annotate(day=TruncDate("at")).values("day").annotate(n=Count("id"))
    return {row["day"]: row["n"] for row in rows}


def _per_day(
    submissions: dict[date, int], decisions: dict[date, int], first_day: date, days: int
) -> list[DayCount]:
    days_list = [first_day + timedelta(days=offset) for offset in range(days)]
    return [DayCount(day, submissions.get(day, 0), decisions.get(day, 0)) for day in days_list]


def _times_to_decision(decisions: QuerySet[ApplicationEvent], *, now: datetime) -> list[timedelta]:
    """Each decision of the window against the submission it decided: the latest one before it."""
    decided = list(decisions.values_list("application_ref", "at"))
    submitted: dict[int, list[datetime]] = defaultdict(list)
    rows = ApplicationEvent.objects.filter(
        application_ref__in={ref for ref, _at in decided}, action="submitted", at__lte=now
    ).order_by("at", "id")
    for ref, at in rows.values_list("application_ref", "at"):
        submitted[ref].append(at)
    durations = []
    for ref, at in decided:
        earlier = submitted[ref][: bisect.bisect_right(submitted[ref], at)]
        if earlier:
            durations.append(at - earlier[-1])
    return durations


def _median(durations: list[timedelta]) -> timedelta | None:
    if not durations:
        return None
    return timedelta(seconds=statistics.median(d.total_seconds() for d in durations))
