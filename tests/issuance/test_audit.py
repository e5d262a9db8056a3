"""Hash-chained audit rows: ``verify_audit`` finds edited, removed and truncated history."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from certificates.applications.models import ApplicationEvent
from certificates.applications.services import application_submit
from certificates.issuance import services as issuance
from certificates.issuance.models import CertificateEvent
from tests.certificates.factories import ApplicationFactory
from tests.issuance.helpers import issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(signing_key, officer, exporter):
    """One application through draft → submitted → approved → issued, then revoked."""
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
    application = application_create(actor=exporter, fields=fields, items=payload["items"])
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
