from decimal import Decimal

import pytest

from certificates.applications import services
from certificates.applications.models import APPLICATION_TRANSITIONS, Application, ApplicationEvent
from certificates.applications.services import ApplicationError
from certificates.issuance.models import IssuanceOrder
from tests.applications.factories import ApplicationFactory

Status = Application.Status
pytestmark = pytest.mark.django_db


def item(**overrides):
    values = {
        "description": "Cotton yarn",
        "hs_code": "520512",
        "quantity": Decimal("10.000"),
        "unit": "KGM",
        "net_weight_kg": Decimal("10.000"),
        "gross_weight_kg": Decimal("11.000"),
        "value": Decimal("40.00"),
        "currency": "USD",
        "origin_country": "UZ",
    }
    return values | overrides


def fields():
    return {
        "type": "export",
        "consignee_name": "Minsk Trading JSC",
        "consignee_country": "BY",
        "consignee_address": "Minsk",
        "country_of_export": "UZ",
        "country_of_destination": "BY",
        "transport_mode": "rail",
        "invoice_number": "INV-1",
        "invoice_date": "2026-01-05",
    }


def test_create_makes_a_draft_of_the_callers_organization_with_numbered_lines(exporter):
    application = services.application_create(
        actor=exporter, fields=fields(), items=[item(), item(hs_code="847130")]
    )
    assert application.status == Status.DRAFT
    assert application.exporter == exporter.organization
    assert list(application.items.values_list("line", "hs_code")) == [(1, "520512"), (2, "847130")]
    assert application.events.get().action == "created"


def test_officer_cannot_create_an_application(officer):
    with pytest.raises(ApplicationError) as error:
        services.application_create(actor=officer, fields=fields(), items=[item()])
    assert error.value.status_code == 403


def test_update_replaces_fields_and_the_whole_item_list(exporter, draft):
    updated = services.application_update(
        application=draft, actor=exporter, fields={"invoice_number": "INV-9"}, items=[item(hs_code="847130")]
    )
    assert updated.invoice_number == "INV-9"
    assert list(updated.items.values_list("line", "hs_code")) == [(1, "847130")]
    assert updated.events.filter(action="updated").count() == 1


def test_submitted_application_cannot_be_updated_or_deleted(exporter, submitted):
    with pytest.raises(ApplicationError) as error:
        services.application_update(application=submitted, actor=exporter, fields={"invoice_number": "X"})
    assert (error.value.status_code, error.value.code) == (409, "not_editable")
    with pytest.raises(ApplicationError):
        services.application_delete(application=submitted, actor=exporter)
    assert Application.objects.filter(pk=submitted.pk).exists()


def test_delete_removes_a_draft(exporter, draft):
    services.application_delete(application=draft, actor=exporter)
    assert not Application.objects.filter(pk=draft.pk).exists()


def test_submit_moves_draft_to_submitted_and_records_who(exporter, draft):
    services.application_submit(application=draft, actor=exporter)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.submitted_at is not None
    event = draft.events.get(action="submitted")
    assert (event.actor, event.from_status, event.to_status) == (exporter, "draft", "submitted")


def test_exporter_of_another_organization_cannot_submit(other_exporter, draft):
    with pytest.raises(ApplicationError) as error:
        services.application_submit(application=draft, actor=other_exporter)
    assert error.value.status_code == 404
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_application_without_items_cannot_be_submitted(exporter):
    empty = ApplicationFactory(exporter=exporter.organization, created_by=exporter, items=0)
    with pytest.raises(ApplicationError) as error:
        services.application_submit(application=empty, actor=exporter)
    assert error.value.code == "no_items"


def test_approve_creates_a_pending_issuance_order_and_queues_it_on_commit(
    officer, submitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.application_approve(application=submitted, actor=officer)
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED
    assert submitted.issuance.state == IssuanceOrder.State.PENDING
    assert submitted.issuance.queued_at is None  # nothing is published before the commit
    assert submitted.events.get(action="approved").actor == officer

    for callback in callbacks:  # the commit happens: the sign task is published and the order notes when
        callback()
    submitted.issuance.refresh_from_db()
    assert submitted.issuance.queued_at is not None


def test_approving_twice_is_a_conflict_and_keeps_one_order(
    officer, submitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        services.application_approve(application=submitted, actor=officer)
    with pytest.raises(ApplicationError) as error:
        services.application_approve(application=submitted, actor=officer)
    assert (error.value.status_code, error.value.code) == (409, "invalid_transition")
    assert IssuanceOrder.objects.filter(application=submitted).count() == 1


def test_exporter_cannot_approve(exporter, submitted):
    with pytest.raises(ApplicationError) as error:
        services.application_approve(application=submitted, actor=exporter)
    assert error.value.status_code == 403


@pytest.mark.parametrize(
    ("service", "target"), [("application_reject", "rejected"), ("application_return", "returned")]
)
def test_reject_and_return_record_the_officer_and_reason(officer, submitted, service, target):
    getattr(services, service)(application=submitted, actor=officer, reason="  wrong HS code on line 2 ")
    submitted.refresh_from_db()
    assert submitted.status == target
    event = submitted.events.latest("id")
    assert (event.actor, event.reason, event.to_status) == (officer, "wrong HS code on line 2", target)


@pytest.mark.parametrize("service", ["application_reject", "application_return"])
def test_reject_and_return_need_a_reason(officer, submitted, service):
    with pytest.raises(ApplicationError) as error:
        getattr(services, service)(application=submitted, actor=officer, reason="   ")
    assert error.value.code == "reason_required"
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_returned_application_can_be_corrected_and_resubmitted(exporter, officer, submitted):
    services.application_return(application=submitted, actor=officer, reason="fix weights")
    services.application_update(
        application=submitted, actor=exporter, fields={"transport_details": "Wagon 7"}
    )
    services.application_submit(application=submitted, actor=exporter)
    actions = list(submitted.events.values_list("action", flat=True))
    assert actions == ["returned", "updated", "submitted"]


def test_withdraw_is_allowed_before_a_decision_only(
    exporter, officer, submitted, django_capture_on_commit_callbacks
):
    other = ApplicationFactory(exporter=exporter.organization, created_by=exporter, status="submitted")
    services.application_withdraw(application=submitted, actor=exporter)
    with django_capture_on_commit_callbacks(execute=False):
        services.application_approve(application=other, actor=officer)
    with pytest.raises(ApplicationError):
        services.application_withdraw(application=other, actor=exporter)
    submitted.refresh_from_db()
    assert submitted.status == Status.WITHDRAWN


def test_mark_issued_only_from_approved(exporter, submitted):
    with pytest.raises(ApplicationError):
        services.application_mark_issued(application=submitted)
    approved = ApplicationFactory(exporter=exporter.organization, created_by=exporter, status="approved")
    services.application_mark_issued(application=approved)
    approved.refresh_from_db()
    assert approved.status == Status.ISSUED
    assert approved.events.get(action="issued").actor is None


def test_every_status_change_writes_exactly_one_event(
    exporter, officer, draft, django_capture_on_commit_callbacks
):
    services.application_submit(application=draft, actor=exporter)
    with django_capture_on_commit_callbacks(execute=False):
        services.application_approve(application=draft, actor=officer)
    services.application_mark_issued(application=draft)
    transitions = list(
        ApplicationEvent.objects.filter(application=draft).values_list("from_status", "to_status")
    )
    assert transitions == [("draft", "submitted"), ("submitted", "approved"), ("approved", "issued")]


def test_transitions_table_has_terminal_states():
    assert APPLICATION_TRANSITIONS[Status.REJECTED] == frozenset()
    assert APPLICATION_TRANSITIONS[Status.ISSUED] == frozenset()
    assert Status.ISSUED in APPLICATION_TRANSITIONS[Status.APPROVED]
