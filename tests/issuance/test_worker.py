"""The signing pipeline with a real Celery worker process over Redis, on the test database."""

from __future__ import annotations

import pytest

from certificates.applications.models import Application
from certificates.issuance.models import Certificate, IssuanceOrder
from tests.applications.factories import api_client_for
from tests.issuance.helpers import independent_verify
from tests.services import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_approval_through_the_api_is_issued_by_a_real_worker_and_verifies_independently(
    celery_worker, client, signing_key, officer, make_submitted
):
    application = make_submitted(items=2)
    response = api_client_for(officer).post(f"/api/v1/applications/{application.pk}/approve/")
    assert response.status_code == 200, response.content

    certificate = wait_until(
        lambda: Certificate.objects.filter(application=application).exclude(jws="").first(),
        timeout=30,
        message="the worker to issue the certificate",
    )
    jwks = client.get("/.well-known/jwks.json").json()
    assert independent_verify(certificate.jws, jwks) == bytes(certificate.canonical)
    application.refresh_from_db()
    assert application.status == Application.Status.ISSUED
    assert IssuanceOrder.objects.get(application=application).state == IssuanceOrder.State.DONE
    assert f"certificate {certificate.number} issued" in celery_worker.log

    detail = api_client_for(officer).get(f"/api/v1/applications/{application.pk}/").json()
    assert detail["certificate"] == certificate.number
