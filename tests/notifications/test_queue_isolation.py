"""Webhook deliveries cannot hold up signing: they have a queue, and workers, of their own.

Real Redis, real PostgreSQL (or the embedded database) and real worker processes, started as
docker-compose.yml and `make run` start them: a signing worker on `celery`, a notifier on
`notifications`. A receiver that trickles a byte every half second keeps every notifier busy
until the deadline; an approval must still be issued within seconds.
"""

from __future__ import annotations

import time

import pytest

from certificates.issuance.models import Certificate
from certificates.notifications import services
from certificates.notifications.models import EventType, WebhookDelivery
from tests.applications.factories import api_client_for
from tests.issuance import conftest as issuance_fixtures
from tests.notifications.servers import Tarpit
from tests.services import WorkerProcess, purge_broker, subprocess_env, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

QUEUED_DELIVERIES = 40

# The issuance suite's fixtures (one user factory for the officer and the exporter).
signing_key = issuance_fixtures.signing_key
issuer = issuance_fixtures.issuer
officer = issuance_fixtures.officer
exporter = issuance_fixtures.exporter
make_submitted = issuance_fixtures.make_submitted


@pytest.fixture
def workers(redis_broker):
    """A signing worker and a notifier, as in production; both with the notification test settings."""
    purge_broker()
    env = subprocess_env(DJANGO_SETTINGS_MODULE="tests.notifications.worker_settings")
    signer = WorkerProcess(env=env, queues="celery", name="signer", concurrency=1)
    notifier = WorkerProcess(env=env, queues="notifications", name="notifier", concurrency=2)
    for worker in (signer, notifier):
        worker.start()
    try:
        yield signer, notifier
    finally:
        for worker in (signer, notifier):
            worker.stop()
        purge_broker()


@pytest.fixture
def tarpit():
    with Tarpit(interval=0.5) as server:
        yield server


def test_an_approval_is_issued_within_seconds_behind_forty_deliveries_to_a_tarpit(
    workers, tarpit, local_webhooks, exporter, signing_key, officer, make_submitted
):
    exporter_org = exporter.organization
    endpoint, _ = services.webhook_endpoint_create(
        organization=exporter_org, url=tarpit.url, event_types=[EventType.CERTIFICATE_REVOKED]
    )
    for number in range(QUEUED_DELIVERIES):
        services.event_emit(
            type=EventType.CERTIFICATE_REVOKED, data={"number": f"TAR-{number}"}, organizations=[exporter_org]
        )
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == QUEUED_DELIVERIES
    wait_until(lambda: tarpit.accepted >= 2, timeout=30, message="the notifier to be stuck in the tarpit")

    application = make_submitted(items=1)
    started = time.monotonic()
    response = api_client_for(officer).post(f"/api/v1/applications/{application.pk}/approve/")
    assert response.status_code == 200, response.content
    certificate = wait_until(
        lambda: Certificate.objects.filter(application=application).exclude(jws="").first(),
        timeout=30,
        message="the signing worker to issue the certificate",
    )
    took = time.monotonic() - started
    print(f"issued {took:.2f} s after the approval, behind {QUEUED_DELIVERIES} tarpit deliveries")

    assert took < 5, f"the certificate took {took:.1f} s behind {QUEUED_DELIVERIES} tarpit deliveries"
    assert certificate.number
    signer, notifier = workers
    # "name[id] received": the banner lists every task, each worker receives only its queue's.
    assert "notifications.deliver_webhook[" not in signer.log
    assert "notifications.deliver_webhook[" in notifier.log
    assert "certificates.sign_certificate[" not in notifier.log
