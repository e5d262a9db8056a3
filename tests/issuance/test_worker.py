"""The signing pipeline with a real Celery worker process over Redis, on the test database."""

from __future__ import annotations

import pytest

from certificates.applications.models import Application
from certificates.issuance.models import Certificate, IssuanceOrder
from tests.applications.factories import ApplicationFactory, api_client_for
from tests.issuance.helpers import belarusian_body, independent_verify
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
    # Logged once the batch has committed (and its on-commit work has run): just after the row is seen.
    wait_until(
        lambda: f"certificate {certificate.number} issued" in celery_worker.log,
        timeout=5,
        message="the worker to log the issuance",
    )

    detail = api_client_for(officer).get(f"/api/v1/applications/{application.pk}/").json()
    assert detail["certificate"] == certificate.number


def test_a_real_worker_certifies_each_countrys_application_with_its_own_bodys_key_and_prefix(
    celery_worker, signing_key, officer, make_submitted
):
    _, belarusian_officer, belarusian_exporter, belarusian_key = belarusian_body()
    uzbek = make_submitted()
    belarusian = ApplicationFactory(
        exporter=belarusian_exporter.organization, created_by=belarusian_exporter, status="submitted"
    )
    for application, approver in ((uzbek, officer), (belarusian, belarusian_officer)):
        response = api_client_for(approver).post(f"/api/v1/applications/{application.pk}/approve/")
        assert response.status_code == 200, response.content

    def issued(application):
        return wait_until(
            lambda: Certificate.objects.filter(application=application).exclude(jws="").first(),
            timeout=30,
            message="the worker to issue the certificate",
        )

    by_uzbek, by_belarusian = issued(uzbek), issued(belarusian)
    assert (by_uzbek.number[:3], by_uzbek.kid, by_uzbek.document["issuer"]["country"]) == (
        "UZ-",
        signing_key.kid,
        "UZ",
    )
    assert (by_belarusian.number[:3], by_belarusian.kid, by_belarusian.document["issuer"]["country"]) == (
        "BY-",
        belarusian_key.kid,
        "BY",
    )
