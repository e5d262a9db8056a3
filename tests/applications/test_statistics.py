"""The officers' dashboard figures, against rows with known dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from certificates.applications.statistics import dashboard_statistics
from tests.applications.factories import ApplicationEventFactory, ApplicationFactory

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def event(application, action: str, at: datetime):
    # Audit rows are append-only (a database trigger): written with their time, never updated.
    ApplicationEventFactory(application=application, application_ref=application.pk, action=action, at=at)


def test_counts_per_day_and_the_median_time_to_decision(officer, exporter):
    org = exporter.organization
    fast = ApplicationFactory(exporter=org, status="approved")
    slow = ApplicationFactory(exporter=org, status="rejected")
    returned = ApplicationFactory(exporter=org, status="returned")
    waiting = ApplicationFactory(exporter=org, status="submitted")
    ApplicationFactory(exporter=org, status="draft")  # officers never see drafts
    old = ApplicationFactory(exporter=org, status="approved")
    event(fast, "submitted", NOW - timedelta(days=2, hours=4))
    event(fast, "approved", NOW - timedelta(days=2))  # 4 h
    event(slow, "submitted", NOW - timedelta(days=5))
    event(slow, "rejected", NOW - timedelta(days=1))  # 96 h
    event(returned, "submitted", NOW - timedelta(days=2, hours=10))
    event(returned, "returned", NOW - timedelta(days=2))  # 10 h
    event(waiting, "submitted", NOW - timedelta(hours=1))
    event(old, "submitted", NOW - timedelta(days=45))
    event(old, "approved", NOW - timedelta(days=40))  # outside the window
    stats = dashboard_statistics(user=officer, days=30, now=NOW)
    assert stats.counts_by_status["approved"] == 2
    assert stats.counts_by_status["rejected"] == stats.counts_by_status["returned"] == 1
    assert stats.counts_by_status["submitted"] == 1
    assert stats.counts_by_status["draft"] == 0
    assert len(stats.per_day) == 30
    assert stats.per_day[0].day == (NOW - timedelta(days=29)).date()
    assert stats.per_day[-1].day == NOW.date()
    by_day = {
        day.day: (day.submissions, day.decisions) for day in stats.per_day if day.submissions or day.decisions
    }
    assert by_day == {
        (NOW - timedelta(days=5)).date(): (1, 0),
        (NOW - timedelta(days=2)).date(): (2, 2),  # fast and returned submitted at 08:00 and 02:00
        (NOW - timedelta(days=1)).date(): (0, 1),
        NOW.date(): (1, 0),
    }
    assert stats.decisions_measured == 3
    assert stats.median_time_to_decision == timedelta(hours=10)


def test_no_decisions_no_median_and_exporters_see_nothing(officer, exporter):
    stats = dashboard_statistics(user=officer, now=NOW)
    assert stats.median_time_to_decision is None
    assert stats.decisions_measured == 0
    assert sum(day.submissions for day in stats.per_day) == 0
    assert sum(dashboard_statistics(user=exporter, now=NOW).counts_by_status.values()) == 0
