"""The officers' dashboard: applications per status, submissions and decisions per day, time to decide."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count
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
    events = list(
        ApplicationEvent.objects.filter(application__in=visible, action__in=("submitted", *DECISIONS))
        .filter(at__lte=now)
        .order_by("application_ref", "at", "id")
        .values_list("application_ref", "action", "at")
    )
    in_window = [(ref, action, at) for ref, action, at in events if at.date() >= first_day]
    durations = _times_to_decision(events, since=first_day)
    return DashboardStatistics(
        counts_by_status=_counts(visible),
        per_day=_per_day(in_window, first_day=first_day, days=days),
        median_time_to_decision=statistics.median(durations) if durations else None,
        decisions_measured=len(durations),
    )


def _visible(user: User) -> list[int]:
    if not roles.is_officer(user):
        return []
    applications = selectors.application_list_for(user=user).order_by().select_related(None)
    pairs = applications.values_list("pk", "exporter__country")
    return [pk for pk, country in pairs if roles.is_officer_of_issuing_body(user, country)]


def _counts(visible: list[int]) -> dict[str, int]:
    rows = Application.objects.filter(pk__in=visible).order_by().values("status").annotate(n=Count("id"))
    found = {row["status"]: row["n"] for row in rows}
    return {value: found.get(value, 0) for value in Application.Status.values}


def _per_day(events: list[tuple[int, str, datetime]], *, first_day: date, days: int) -> list[DayCount]:
    submissions: dict[date, int] = {}
    decisions: dict[date, int] = {}
    for _ref, action, at in events:
        bucket = submissions if action == "submitted" else decisions
        bucket[at.date()] = bucket.get(at.date(), 0) + 1
    days_list = [first_day + timedelta(days=offset) for offset in range(days)]
    return [DayCount(day, submissions.get(day, 0), decisions.get(day, 0)) for day in days_list]


def _times_to_decision(events: list[tuple[int, str, datetime]], *, since: date) -> list[timedelta]:
    """Each decision in the window against the submission it decided (the latest before it)."""
    durations, submitted = [], {}
    for ref, action, at in events:
        if action == "submitted":
            submitted[ref] = at
        elif ref in submitted and at.date() >= since:
            durations.append(at - submitted.pop(ref))
    return durations
