"""Credentials and the status list kept by a real Celery worker process over Redis."""

from __future__ import annotations

import time

import pytest

from certificates.issuance.models import Certificate
from tests.applications.factories import api_client_for
from tests.credentials.outside import joserfc_verify, resolve_kid
from tests.credentials.test_status_list import BASE, bit, status_list
from tests.services import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

DID = "did:web:127.0.0.1%3A8000:issuers:uz"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.PUBLIC_BASE_URL = BASE


def test_the_worker_signs_the_credential_and_sets_the_bit_within_a_minute_of_a_revocation(
    celery_worker, signing_key, officer, exporter, make_submitted, anon_client
):
    application = make_submitted(items=1)
    officer_client, exporter_client = api_client_for(officer), api_client_for(exporter)
    assert officer_client.post(f"/api/v1/applications/{application.pk}/approve/").status_code == 200
    certificate = wait_until(
        lambda: Certificate.objects.filter(application=application).exclude(credential="").first(),
        timeout=30,
        message="the worker to issue the certificate and sign its credential",
    )
    credential = exporter_client.get(f"/api/v1/certificates/{certificate.number}/credential")
    assert credential.status_code == 200
    joserfc_verify(credential.content.decode(), resolve_kid(anon_client, certificate.credential, DID))
    assert bit(status_list(anon_client), certificate.status_list_index) == 0

    revoked = officer_client.post(f"/api/v1/certificates/{certificate.number}/revoke/", {"reason": "forged"})
    assert revoked.status_code == 200
    started = time.monotonic()
    answer = anon_client.post("/api/v1/verify/", {"number": certificate.number}, format="json").json()
    assert answer["status"] == "revoked", "the verify API reports it at once"
    wait_until(
        lambda: bit(status_list(anon_client), certificate.status_list_index) == 1,
        timeout=60,
        interval=0.2,
        message="the worker to re-sign the status list",
    )
    assert time.monotonic() - started < 60
    assert "credentials.refresh_status_list" in celery_worker.log
