"""Hash-chained audit rows: ``verify_audit`` finds edited, removed and truncated history."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from certificates.applications.models import Application, ApplicationEvent
from certificates.applications.services import (
    APPLICATION_STREAM,
    application_delete,
    application_return,
    application_submit,
)
from certificates.audit import GENESIS, event_digest
from certificates.issuance import services as issuance
from certificates.issuance.models import CertificateEvent
from tests.certificates.factories import ApplicationFactory
from tests.issuance.helpers import issue

pytestmark = pytest.mark.django_db


def _draft(exporter):
    from certificates.applications.services import application_create
    from tests.certificates.factories import application_payload

    payload = application_payload()
    fields = {
        "type": payload["type"],
        **{f"consignee_{k}": v for k, v in payload["consignee"].items()},
        "country_of_export": "UZ",
        "country_of_destination": "BY",
        "transport_mode": "road",
        "transport_details": "Truck",
        "invoice_number": "INV-1",
        "invoice_date": payload["invoice"]["date"],
    }
    return application_create(actor=exporter, fields=fields, items=payload["items"])


@pytest.fixture
def history(signing_key, officer, exporter):
    """One application through draft → submitted → approved → issued, then revoked."""
    application = _draft(exporter)
    application_submit(application=application, actor=exporter)
    certificate = issue(application, officer)
    issuance.certificate_revoke(certificate=certificate, actor=officer, reason="wrong HS code")
    return application, certificate


def _tamper(sql: str, params: list) -> None:
    """Change a row the way someone with database access would: around the append-only trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def _recompute(stream, owner_id):
    """Rewrite every hash of one chain consistently, as a writer covering an edit would."""
    previous = GENESIS
    for event in stream.model.objects.filter(**{stream.column: owner_id}).order_by("id"):
        event.prev_hash = previous
        previous = event_digest(stream=stream.key(owner_id), event=event)
        _tamper(
            f"UPDATE {stream.model._meta.db_table} SET prev_hash = %s, hash = %s WHERE id = %s",  # noqa: S608 (a model's table)
            [event.prev_hash, previous, event.pk],
        )


def test_untouched_history_verifies(history, capsys):
    call_command("verify_audit")
    assert "audit OK: 6 events" in capsys.readouterr().out


def test_each_event_links_to_the_previous_one(history):
    application, _ = history
    events = list(application.events.order_by("id"))
    assert [event.action for event in events] == ["created", "submitted", "approved", "issued"]
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(events))


def test_an_edited_reason_is_reported(history):
    _, certificate = history
    event = certificate.events.get(action="revoked")
    _tamper("UPDATE certificates_certificateevent SET reason = %s WHERE id = %s", ["typo", event.pk])
    with pytest.raises(CommandError, match=f"event {event.pk}: content does not match"):
        call_command("verify_audit")


def test_a_removed_middle_event_is_reported(history):
    application, _ = history
    approval = application.events.get(action="approved")
    _tamper("DELETE FROM certificates_applicationevent WHERE id = %s", [approval.pk])
    with pytest.raises(CommandError, match="previous-hash link is broken"):
        call_command("verify_audit")


def test_a_removed_newest_event_is_reported(history):
    _, _certificate = history
    _tamper("DELETE FROM certificates_certificateevent WHERE action = %s", ["revoked"])
    with pytest.raises(CommandError, match="chain ends in 'issued' but the record is 'revoked'"):
        call_command("verify_audit")


def test_an_application_whose_history_was_deleted_is_reported(history):
    application, _ = history
    _tamper("DELETE FROM certificates_applicationevent WHERE application_id = %s", [application.pk])
    with pytest.raises(CommandError, match="has no events at all"):
        call_command("verify_audit")


def test_postgresql_refuses_to_update_audit_rows(postgres, history):
    application, _ = history
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ApplicationEvent.objects.filter(application=application).update(reason="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CertificateEvent.objects.update(reason="rewritten")


def test_factory_rows_without_events_do_not_hide_real_breaks(history, signing_key):
    ApplicationFactory()  # a row created outside the services has no history: reported, not ignored
    with pytest.raises(CommandError, match="has no events at all"):
        call_command("verify_audit")


# --- deleted drafts keep their history ------------------------------------------------


def _delete_returned_draft(exporter, officer):
    draft = _draft(exporter)
    application_submit(application=draft, actor=exporter)
    application_return(application=draft, actor=officer, reason="invoice date is wrong")
    application_delete(application=draft, actor=exporter)
    return draft.pk


def _assert_deleted_history_kept(application_id):
    events = ApplicationEvent.objects.filter(application_ref=application_id).order_by("id")
    assert [event.action for event in events] == ["created", "submitted", "returned", "deleted"]
    assert all(event.application_id is None for event in events)
    assert events.get(action="returned").reason == "invoice date is wrong"
    call_command("verify_audit")


def test_deleting_a_returned_draft_keeps_its_history(signing_key, exporter, officer):
    application_id = _delete_returned_draft(exporter, officer)
    assert not Application.objects.filter(pk=application_id).exists()
    _assert_deleted_history_kept(application_id)


def test_postgresql_keeps_the_history_of_a_deleted_draft(postgres, signing_key, exporter, officer):
    _assert_deleted_history_kept(_delete_returned_draft(exporter, officer))


def test_a_deleted_event_of_a_live_application_is_reported(history):
    application, _ = history
    event = application.events.order_by("id").last()
    _tamper("UPDATE certificates_applicationevent SET action = %s WHERE id = %s", ["deleted", event.pk])
    _recompute(APPLICATION_STREAM, application.pk)
    with pytest.raises(CommandError, match="chain ends in 'deleted' but the record exists"):
        call_command("verify_audit")


def test_postgresql_refuses_to_delete_audit_rows(postgres, history):
    application, _ = history
    for rows in (application.events.all(), CertificateEvent.objects.all()):
        with pytest.raises(DatabaseError, match="append-only: DELETE"), transaction.atomic():
            rows.delete()


def test_postgresql_only_lets_a_deleted_application_detach_its_events(postgres, history):
    application, _ = history
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        application.events.update(application=None, reason="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        application.events.update(application_ref=0)
