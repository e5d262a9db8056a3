"""Approve, reject and return from an application's own admin page, through the workflow services."""

import pytest
from django.urls import reverse

from certificates.accounts.models import User
from certificates.issuance.models import IssuanceOrder
from tests.applications.factories import UserFactory

pytestmark = pytest.mark.django_db


def change_url(application):
    return reverse("admin:certificates_application_change", args=[application.pk])


def decide_url(application, decision):
    return reverse("admin:certificates_application_decide", args=[application.pk, decision])


@pytest.fixture
def staff_officer(client):
    officer = UserFactory(role=User.Role.OFFICER, is_staff=True, is_superuser=True)
    client.force_login(officer)
    client.officer = officer
    return client


def test_a_submitted_application_page_offers_the_three_decisions(staff_officer, submitted):
    page = staff_officer.get(change_url(submitted)).content.decode()
    for decision in ("approve", "return", "reject"):
        assert f'action="{decide_url(submitted, decision)}"' in page
    assert "csrfmiddlewaretoken" in page


def test_approve_button_approves_and_queues_issuance_with_an_audit_event(
    staff_officer, submitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = staff_officer.post(decide_url(submitted, "approve"), follow=True)
    submitted.refresh_from_db()
    assert submitted.status == "approved"
    assert IssuanceOrder.objects.get(application=submitted).state == IssuanceOrder.State.PENDING
    assert queued, "issuance is sent to the worker on commit, as the API's approve does"
    event = submitted.events.get(action="approved")
    assert (event.actor, event.to_status) == (staff_officer.officer, "approved")
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert response.redirect_chain[-1][0] == change_url(submitted)


def test_reject_asks_for_a_reason_then_rejects(staff_officer, submitted):
    form = staff_officer.post(decide_url(submitted, "reject"))
    assert form.status_code == 200
    assert 'name="reason"' in form.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == "submitted"

    blank = staff_officer.post(decide_url(submitted, "reject"), {"apply": "1", "reason": ""})
    assert blank.status_code == 200
    staff_officer.post(decide_url(submitted, "reject"), {"apply": "1", "reason": "forged invoice"})
    submitted.refresh_from_db()
    assert submitted.status == "rejected"
    assert submitted.events.get(action="rejected").reason == "forged invoice"


def test_return_for_corrections_records_the_reason(staff_officer, submitted):
    staff_officer.post(decide_url(submitted, "return"), {"apply": "1", "reason": "weights"})
    submitted.refresh_from_db()
    assert submitted.status == "returned"
    assert submitted.events.get(action="returned").reason == "weights"


def test_a_decision_is_a_post_with_csrf(submitted):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(role=User.Role.OFFICER, is_staff=True, is_superuser=True))
    assert client.get(decide_url(submitted, "approve")).status_code == 405
    assert client.post(decide_url(submitted, "approve")).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


@pytest.mark.parametrize("role", [User.Role.EXPORTER, User.Role.CUSTOMS, ""])
def test_only_officers_see_or_take_decisions(client, submitted, role):
    client.force_login(UserFactory(role=role, is_staff=True, is_superuser=True))
    page = client.get(change_url(submitted)).content.decode()
    assert "/decide/" not in page
    assert client.post(decide_url(submitted, "approve")).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    assert not submitted.events.filter(action="approved").exists()


def test_a_draft_offers_no_decision(staff_officer, draft):
    assert "/decide/" not in staff_officer.get(change_url(draft)).content.decode()
    response = staff_officer.post(decide_url(draft, "approve"), follow=True)
    assert "cannot become" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_an_unknown_decision_is_refused(staff_officer, submitted):
    assert staff_officer.post(decide_url(submitted, "delete")).status_code == 403


@pytest.mark.parametrize(
    ("language", "action", "status"),
    [("ru", "одобрено", "Одобрена"), ("uz", "tasdiqlandi", "Tasdiqlangan")],
)
def test_the_history_shows_actions_and_statuses_in_the_readers_language(
    staff_officer, submitted, language, action, status
):
    staff_officer.post(decide_url(submitted, "approve"))
    page = staff_officer.get(change_url(submitted), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    history = page[page.index('id="events-group"') :]
    assert f"<p>{action}</p>" in history
    assert f"<p>{status}</p>" in history
    assert "<p>approved</p>" not in history
