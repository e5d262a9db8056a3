"""The signing pipeline in-process: document, canonical bytes, JWS, numbering, idempotency, failures."""

from __future__ import annotations

import hashlib
import json
import re
import time

import pytest
import rfc8785
from django.utils import timezone

from certificates import outbox
from certificates.applications.models import Application
from certificates.issuance import services as issuance
from certificates.issuance.models import Certificate, CertificateEvent, IssuanceOrder
from certificates.issuance.tasks import issuance_sweep, sign_certificate
from signing.services import signing_key_revoke, signing_key_rotate
from signing.transparency.merkle import leaf_hash
from signing.transparency.models import LogLeaf
from tests.issuance.helpers import approve, independent_verify, issue
from tests.services import unreachable_broker_connection

pytestmark = pytest.mark.django_db


def test_approved_application_becomes_a_certificate_signed_over_rfc8785_bytes(
    client, signing_key, officer, make_submitted
):
    application = make_submitted(items=3)
    certificate = issue(application, officer)

    jwks = client.get("/.well-known/jwks.json").json()
    payload = independent_verify(certificate.jws, jwks)
    assert payload == rfc8785.dumps(certificate.document) == bytes(certificate.canonical)
    header = json.loads(_b64(certificate.jws.split(".")[0]))
    assert header == {"alg": "EdDSA", "kid": signing_key.kid, "typ": "certsvc-certificate+jws"}
    assert certificate.jws_sha256 == hashlib.sha256(certificate.jws.encode()).hexdigest()
    application.refresh_from_db()
    assert application.status == Application.Status.ISSUED


def test_document_has_every_member_of_the_contract(signing_key, officer, make_submitted):
    certificate = issue(make_submitted(items=2), officer)
    document = certificate.document
    assert set(document) == {
        "schema",
        "number",
        "type",
        "issued_at",
        "valid_from",
        "valid_until",
        "issuer",
        "exporter",
        "consignee",
        "country_of_export",
        "country_of_destination",
        "transport",
        "invoice",
        "items",
        "replaces",
    }
    assert document["schema"] == "certsvc.certificate.v1"
    assert re.fullmatch(r"UZ-\d{4}-EX-\d{6}", document["number"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", document["issued_at"])
    assert document["issuer"]["name"] == officer.organization.name
    assert [item["line"] for item in document["items"]] == [1, 2]
    item = document["items"][0]
    assert item["quantity"] == "1200.500"
    assert item["value"] == "4801.00"
    assert item["gross_weight_kg"] == "1250.000"
    assert document["replaces"] is None


def test_numbers_are_gapless_per_year_and_type(signing_key, officer, make_submitted):
    exports = [issue(make_submitted(), officer) for _ in range(3)]
    imported = issue(make_submitted(type="import"), officer)
    assert [c.sequence for c in exports] == [1, 2, 3]
    assert imported.number.endswith("-IM-000001")


def test_running_the_task_twice_signs_once(signing_key, officer, make_submitted):
    application = make_submitted()
    order = approve(application, officer)
    assert sign_certificate.run(order.pk) is not None
    first = Certificate.objects.get(application=application)
    sign_certificate.run(order.pk)
    assert Certificate.objects.filter(application=application).count() == 1
    assert Certificate.objects.get(application=application).jws == first.jws
    assert LogLeaf.objects.count() == 1
    order.refresh_from_db()
    assert order.state == IssuanceOrder.State.DONE


def test_issued_certificate_is_in_the_transparency_log(signing_key, officer, make_submitted):
    certificate = issue(make_submitted(), officer)
    leaf = LogLeaf.objects.get(index=certificate.log_index)
    assert bytes(leaf.entry) == certificate.jws.encode()
    assert bytes(leaf.leaf_hash) == leaf_hash(certificate.jws.encode())


def test_without_an_active_key_the_order_fails_visibly_and_can_be_retried(
    signing_key, officer, make_submitted
):
    signing_key_revoke(kid=signing_key.kid, compromised_at=timezone.now(), reason="drill")
    application = make_submitted()
    order = approve(application, officer)
    sign_certificate.run(order.pk)
    order.refresh_from_db()
    assert order.state == IssuanceOrder.State.FAILED
    assert order.error_code == "no_active_signing_key"
    assert not Certificate.objects.filter(application=application).exists()

    signing_key_rotate(issuer_country="UZ")
    issuance.issuance_order_retry(order=order, actor=officer)
    sign_certificate.run(order.pk)
    assert Certificate.objects.get(application=application).kid != signing_key.kid


def test_rotation_keeps_old_certificates_verifiable(client, signing_key, officer, make_submitted):
    old = issue(make_submitted(), officer)
    signing_key_rotate(issuer_country="UZ")
    new = issue(make_submitted(), officer)
    assert old.kid != new.kid
    jwks = client.get("/.well-known/jwks.json").json()
    assert independent_verify(old.jws, jwks) == bytes(old.canonical)
    assert independent_verify(new.jws, jwks) == bytes(new.canonical)


def test_revocation_is_audited_logged_and_guarded(signing_key, officer, make_submitted):
    certificate = issue(make_submitted(), officer)
    revoked = issuance.certificate_revoke(certificate=certificate, actor=officer, reason="wrong HS code")
    assert revoked.status == Certificate.Status.REVOKED
    assert revoked.revocation_reason == "wrong HS code"
    event = CertificateEvent.objects.get(certificate=certificate, action="revoked")
    assert (event.actor, event.from_status, event.to_status) == (officer, "issued", "revoked")
    assert LogLeaf.objects.count() == 2
    with pytest.raises(issuance.CertificateError) as error:
        issuance.certificate_revoke(certificate=certificate, actor=officer, reason="again")
    assert error.value.status_code == 409


def test_a_replacement_supersedes_the_old_certificate_when_issued(signing_key, officer, make_submitted):
    old = issue(make_submitted(), officer)
    new = issue(make_submitted(replaces=old), officer)
    old.refresh_from_db()
    assert new.document["replaces"] == old.number
    assert old.status == Certificate.Status.SUPERSEDED
    assert old.superseded_by == new
    assert CertificateEvent.objects.filter(certificate=old, action="superseded").exists()


def test_a_lost_message_is_requeued_by_the_sweep(signing_key, officer, make_submitted):
    order = approve(make_submitted(), officer)
    assert order.queued_at is None  # the commit hook never ran: as if the broker had been down
    assert order.pk in issuance.issuance_orders_due()
    issuance_sweep.run()
    order.refresh_from_db()
    assert order.queued_at is not None
    assert order.pk not in issuance.issuance_orders_due()


def test_publishing_to_an_unreachable_broker_returns_promptly_without_raising(
    signing_key, officer, make_submitted
):
    order = approve(make_submitted(), officer)
    started = time.monotonic()
    with unreachable_broker_connection() as connection:
        assert outbox.publish(outbox.SIGN_CERTIFICATE, order.pk, connection=connection) is False
    assert time.monotonic() - started < 5


def test_pdf_is_rendered_once_and_kept(signing_key, officer, make_submitted, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    certificate = issue(make_submitted(), officer)
    stored = issuance.certificate_pdf_store(certificate=certificate)
    assert stored.pdf.read().startswith(b"%PDF")
    # A second caller holding the old, PDF-less copy keeps the first file instead of writing another.
    again = issuance.certificate_pdf_store(certificate=certificate)
    assert again.pdf.name == stored.pdf.name
    assert sorted(p.name for p in (tmp_path / "certificates" / "pdf").iterdir()) == [
        f"{certificate.number}.pdf"
    ]


def _b64(segment: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def test_an_unexpected_error_is_kept_on_the_order_and_stops_after_the_attempt_limit(
    signing_key, officer, make_submitted, settings, monkeypatch
):
    settings.ISSUANCE_MAX_ATTEMPTS = 2
    order = approve(make_submitted(), officer)

    def broken_build(**kwargs):
        raise RuntimeError("document builder exploded")

    monkeypatch.setattr(issuance, "certificate_document_build", broken_build)
    with pytest.raises(RuntimeError):
        sign_certificate.run(order.pk)
    order.refresh_from_db()
    assert (order.state, order.error_code) == (IssuanceOrder.State.PENDING, "internal_error")
    assert "document builder exploded" in order.error

    with pytest.raises(RuntimeError):
        sign_certificate.run(order.pk)
    order.refresh_from_db()
    assert order.state == IssuanceOrder.State.FAILED
    assert not Certificate.objects.filter(application_id=order.application_id).exists()


def test_only_officers_revoke_replace_or_retry(signing_key, officer, exporter, make_submitted):
    certificate = issue(make_submitted(), officer)
    with pytest.raises(issuance.CertificateError) as revoke:
        issuance.certificate_revoke(certificate=certificate, actor=exporter, reason="mine")
    with pytest.raises(issuance.CertificateError) as replace:
        issuance.certificate_replace(certificate=certificate, actor=exporter, fields={}, items=None)
    assert revoke.value.status_code == replace.value.status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED


def test_a_certificate_has_one_replacement_under_way_at_a_time(signing_key, officer, make_submitted):
    certificate = issue(make_submitted(), officer)
    issuance.certificate_replace(certificate=certificate, actor=officer, fields={}, items=None)
    with pytest.raises(issuance.CertificateError) as error:
        issuance.certificate_replace(certificate=certificate, actor=officer, fields={}, items=None)
    assert error.value.code == "replacement_pending"
