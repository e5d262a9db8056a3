"""Hash-chained audit rows: ``verify_audit`` finds edited, removed and truncated history."""

from __future__ import annotations

import itertools
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from certificates.anchoring.services import audit_anchor
from certificates.anchoring.tasks import audit_anchor_task
from certificates.applications.models import Application, ApplicationEvent
from certificates.applications.services import (
    APPLICATION_STREAM,
    application_delete,
    application_return,
    application_submit,
)
from certificates.audit import GENESIS, AuditAnchor, audit_verify, event_digest
from certificates.issuance import services as issuance
from certificates.issuance.history import CERTIFICATE_STREAM
from certificates.issuance.models import Certificate, CertificateEvent
from signing.services import jws_verify
from signing.transparency.services import log_leaf_get, log_size
from tests.applications.factories import ApplicationFactory
from tests.issuance.helpers import issue

pytestmark = pytest.mark.django_db


def _draft(exporter):
    from certificates.applications.services import application_create
    from tests.applications.factories import application_payload

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


# --- anchors in the transparency log -------------------------------------------------


def _checkpoint(anchor):
    token = bytes(log_leaf_get(leaf_index=anchor.leaf_index).entry).decode("ascii")
    verified = jws_verify(token=token, expected_typ="certsvc-log-event+jws")
    return json.loads(verified.payload)


def _heads(application, certificate):
    return {
        f"certificates.applicationevent:{application.pk}": application.events.order_by("id").last().hash,
        f"certificates.certificateevent:{certificate.pk}": certificate.events.order_by("id").last().hash,
    }


def test_an_anchor_signs_the_head_of_every_stream_into_the_log(history):
    application, certificate = history
    anchor = audit_anchor()
    body = _checkpoint(anchor)
    assert body["event"] == "audit_checkpoint"
    assert body["heads"] == _heads(application, certificate)
    assert set(body) == {"event", "heads", "at"}


def test_an_anchor_is_appended_only_when_a_stream_moved(history, exporter):
    audit_anchor()
    size = log_size()
    assert audit_anchor() is None
    assert log_size() == size
    draft = _draft(exporter)
    assert _checkpoint(audit_anchor())["heads"] == {
        f"certificates.applicationevent:{draft.pk}": draft.events.get().hash
    }


def _rewrite_revocation_reason(certificate):
    event = certificate.events.get(action="revoked")
    _tamper("UPDATE certificates_certificateevent SET reason = %s WHERE id = %s", ["typo", event.pk])
    _recompute(CERTIFICATE_STREAM, certificate.pk)


def test_a_recomputed_chain_passes_the_chain_check_but_not_its_anchor(history):
    _, certificate = history
    audit_anchor()
    _rewrite_revocation_reason(certificate)
    statuses = dict(Certificate.objects.values_list("id", "status"))
    assert list(audit_verify(stream=CERTIFICATE_STREAM, owner_statuses=statuses)) == []
    with pytest.raises(CommandError, match=r"anchored head .* is not in the chain"):
        call_command("verify_audit")


def test_anchoring_a_recomputed_chain_later_does_not_hide_it(history):
    _, certificate = history
    audit_anchor()
    _rewrite_revocation_reason(certificate)
    assert audit_anchor() is None  # the writer left the event ids alone: nothing looks new
    _tamper("UPDATE certificates_auditanchor SET through = %s", ['{"certificates.certificateevent": 0}'])
    assert audit_anchor() is not None  # even anchoring the forged heads keeps the first anchor's
    with pytest.raises(CommandError, match="is not in the chain"):
        call_command("verify_audit")


def test_an_anchor_whose_log_entry_is_no_checkpoint_is_reported(history):
    _, certificate = history
    AuditAnchor.objects.create(leaf_index=certificate.log_index, through={}, at=timezone.now())
    with pytest.raises(CommandError, match=r"not a valid signed event|not an audit_checkpoint"):
        call_command("verify_audit")


def test_anchored_history_verifies(history, capsys):
    audit_anchor()
    call_command("verify_audit")
    assert "audit OK: 6 events in unbroken chains, 1 anchors hold" in capsys.readouterr().out


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
    audit_anchor()
    for rows in (application.events.all(), CertificateEvent.objects.all(), AuditAnchor.objects.all()):
        with pytest.raises(DatabaseError, match="append-only: DELETE"), transaction.atomic():
            rows.delete()


def test_postgresql_only_lets_a_deleted_application_detach_its_events(postgres, history):
    application, _ = history
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        application.events.update(application=None, reason="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        application.events.update(application_ref=0)


def test_the_beat_runs_the_anchor_task_which_is_safe_to_run_twice(history):
    assert settings.CELERY_BEAT_SCHEDULE["audit-anchor"]["task"] == audit_anchor_task.name
    assert audit_anchor_task() == log_size() - 1
    assert audit_anchor_task() is None
