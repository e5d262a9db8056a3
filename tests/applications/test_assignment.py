"""The review queue: officers take applications, a staff administrator moves them with a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from certificates.accounts.models import User
from certificates.applications.assignment import assign_to_me, reassign, review_queue_for
from certificates.applications.models import ApplicationEvent
from certificates.applications.services import ApplicationError
from tests.applications.factories import ApplicationFactory, UserFactory, api_client_for


@pytest.fixture
def staff(db):
    return UserFactory(role="", is_staff=True, is_superuser=True)


def test_an_officer_takes_a_submitted_application_and_it_is_audited(officer, submitted):
    assign_to_me(officer, submitted)
    submitted.refresh_from_db()
    assert submitted.assigned_to == officer
    assert submitted.assigned_at is not None
    event = ApplicationEvent.objects.get(application=submitted, action="assigned")
    assert event.actor == officer
    assert event.to_status == "submitted"
    assign_to_me(officer, submitted)  # again: nothing changes
    assert ApplicationEvent.objects.filter(application=submitted, action="assigned").count() == 1


def test_an_application_taken_by_another_officer_is_refused(officer, submitted):
    assign_to_me(UserFactory(role=User.Role.OFFICER), submitted)
    with pytest.raises(ApplicationError) as refused:
        assign_to_me(officer, submitted)
    assert refused.value.code == "already_assigned"


def test_only_officers_take_and_only_submitted_applications(exporter, officer, draft, submitted):
    with pytest.raises(ApplicationError) as not_officer:
        assign_to_me(exporter, submitted)
    assert not_officer.value.status_code == 403
    with pytest.raises(ApplicationError) as not_submitted:
        assign_to_me(officer, draft)
    assert not_submitted.value.code == "not_submitted"


def test_a_staff_administrator_reassigns_with_a_reason(staff, officer, submitted):
    other = UserFactory(role=User.Role.OFFICER)
    assign_to_me(officer, submitted)
    reassign(staff, submitted, other, "Officer on leave")
    submitted.refresh_from_db()
    assert submitted.assigned_to == other
    event = ApplicationEvent.objects.get(application=submitted, action="reassigned")
    assert event.actor == staff
    assert event.reason == f"Officer on leave ({officer.username} → {other.username})"


def test_reassigning_needs_staff_a_reason_and_an_officer(staff, officer, exporter, submitted):
    with pytest.raises(ApplicationError) as not_staff:
        reassign(officer, submitted, officer, "because")
    assert not_staff.value.status_code == 403
    with pytest.raises(ApplicationError) as no_reason:
        reassign(staff, submitted, officer, "  ")
    assert no_reason.value.code == "reason_required"
    with pytest.raises(ValidationError) as not_officer:
        reassign(staff, submitted, exporter, "because")
    assert "officer" in not_officer.value.detail
    assert submitted.events.filter(action="reassigned").count() == 0


def test_the_queue_lists_submitted_applications_oldest_first_with_age_and_assignee(officer, exporter):
    now = timezone.now()
    older = ApplicationFactory(
        exporter=exporter.organization, status="submitted", submitted_at=now - timedelta(days=3)
    )
    newer = ApplicationFactory(
        exporter=exporter.organization, status="submitted", submitted_at=now - timedelta(hours=2)
    )
    ApplicationFactory(exporter=exporter.organization, status="draft")
    ApplicationFactory(
        exporter=exporter.organization, status="approved", submitted_at=now - timedelta(days=9)
    )
    assign_to_me(officer, newer)
    queue = list(review_queue_for(user=officer))
    assert queue == [older, newer]
    assert timedelta(days=3) <= queue[0].age < timedelta(days=3, minutes=5)
    assert (queue[0].assigned_to, queue[1].assigned_to) == (None, officer)
    assert list(review_queue_for(user=exporter)) == []


def test_the_api_assigns_to_the_calling_officer(officer, exporter, submitted, draft):
    response = api_client_for(officer).post(f"/api/v1/applications/{submitted.pk}/assign/")
    assert response.status_code == 200, response.content
    submitted.refresh_from_db()
    assert submitted.assigned_to == officer
    assert api_client_for(exporter).post(f"/api/v1/applications/{submitted.pk}/assign/").status_code == 403
    assert api_client_for(officer).post(f"/api/v1/applications/{draft.pk}/assign/").status_code == 404


def test_the_admin_action_reassigns_with_a_reason(client, staff, officer, submitted):
    client.force_login(staff)
    url = "/admin/certificates/application/"
    form = {"action": "reassign", "_selected_action": [submitted.pk]}
    page = client.post(url, form)
    assert page.status_code == 200
    assert b"reason" in page.content
    response = client.post(url, {**form, "apply": "1", "officer": officer.pk, "reason": "Leave"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.assigned_to == officer


def test_an_officer_of_the_other_body_cannot_take_or_even_find_an_application(submitted):
    from tests.issuance.helpers import belarusian_body

    _, belarusian_officer, _, _ = belarusian_body()
    response = api_client_for(belarusian_officer).post(f"/api/v1/applications/{submitted.pk}/assign/")
    assert response.status_code == 404  # as for approve or reject: it does not exist for that officer
    submitted.refresh_from_db()
    assert submitted.assigned_to is None
