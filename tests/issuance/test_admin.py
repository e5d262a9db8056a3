"""Admin doors onto the pipeline: revoke certificates with a reason, retry failed issuances."""

from __future__ import annotations

import pytest
from django.utils import timezone

from certificates.issuance.models import Certificate, CertificateEvent, IssuanceOrder
from certificates.issuance.tasks import sign_certificate
from signing.services import signing_key_revoke, signing_key_rotate
from tests.issuance.helpers import approve, issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_officer(officer, client):
    officer.is_staff = officer.is_superuser = True
    officer.save()
    client.force_login(officer)
    return client


def test_certificate_page_links_the_signed_document_and_shows_no_private_material(
    staff_officer, signing_key, officer, make_submitted
):
    certificate = issue(make_submitted(), officer)
    page = staff_officer.get(f"/admin/certificates/certificate/{certificate.pk}/change/").content.decode()
    assert f"/api/v1/certificates/{certificate.number}/document" in page
    assert "PRIVATE KEY" not in page


def test_revoke_action_asks_for_a_reason_then_revokes(staff_officer, signing_key, officer, make_submitted):
    certificate = issue(make_submitted(), officer)
    changelist = "/admin/certificates/certificate/"
    selection = {"action": "revoke", "_selected_action": [certificate.pk]}
    form = staff_officer.post(changelist, selection)
    assert form.status_code == 200
    assert "reason" in form.content.decode()
    assert Certificate.objects.get(pk=certificate.pk).status == Certificate.Status.ISSUED

    staff_officer.post(changelist, {**selection, "apply": "1", "reason": "forged invoice"})
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    event = CertificateEvent.objects.get(certificate=certificate, action="revoked")
    assert (event.actor, event.reason) == (officer, "forged invoice")


def test_retry_action_requeues_a_failed_issuance(staff_officer, signing_key, officer, make_submitted):
    signing_key_revoke(kid=signing_key.kid, compromised_at=timezone.now(), reason="drill")
    order = approve(make_submitted(), officer)
    sign_certificate.run(order.pk)
    order.refresh_from_db()
    assert order.state == IssuanceOrder.State.FAILED

    signing_key_rotate(issuer_country="UZ")
    staff_officer.post(
        "/admin/certificates/issuanceorder/", {"action": "retry", "_selected_action": [order.pk]}
    )
    order.refresh_from_db()
    assert order.state == IssuanceOrder.State.PENDING
    sign_certificate.run(order.pk)
    assert Certificate.objects.filter(application_id=order.application_id).exists()
