"""Redis (a private instance) crashes while officers approve through the API."""

from __future__ import annotations

import time

import pytest

from certificates.applications.models import Application
from certificates.issuance.models import IssuanceOrder
from tests.applications.factories import api_client_for
from tests.reliability.helpers import (
    assert_each_issued_exactly_once,
    latency_figures,
    reliability_worker,
    sweep_until_done,
)

pytestmark = [
    pytest.mark.worker,
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

APPROVALS = 100
MAX_LATENCY_SECONDS = 3.0


def test_approvals_answer_promptly_while_redis_is_down_and_are_issued_once_it_returns(
    private_redis, postgres, settings, signing_key, officer, make_submitted
):
    settings.ISSUANCE_STALE_SECONDS = 2
    applications = [make_submitted(items=1) for _ in range(APPROVALS)]
    client = api_client_for(officer)
    worker = reliability_worker(concurrency=2, CELERY_BROKER_URL=private_redis.url)
    try:
        worker.start()
        private_redis.stop()

        latencies = []
        for application in applications:
            started = time.monotonic()
            response = client.post(f"/api/v1/applications/{application.pk}/approve/")
            latencies.append(time.monotonic() - started)
            assert response.status_code == 200, response.content
        assert max(latencies) < MAX_LATENCY_SECONDS, latency_figures(latencies)

        ids = [a.pk for a in applications]
        assert Application.objects.filter(pk__in=ids, status=Application.Status.APPROVED).count() == APPROVALS
        orders = IssuanceOrder.objects.filter(application_id__in=ids)
        assert orders.filter(state=IssuanceOrder.State.PENDING, queued_at__isnull=True).count() == APPROVALS

        private_redis.start()
        back = time.monotonic()
        sweeps = sweep_until_done(timeout=60, every=2)
        recovery = time.monotonic() - back
    finally:
        worker.stop()

    assert_each_issued_exactly_once(ids)
    print(
        f"\n[redis outage] {APPROVALS} API approvals with Redis down: all answered HTTP 200, "
        f"{latency_figures(latencies)}; all approved with a pending order; after Redis returned "
        f"{sweeps} sweep(s) and {recovery:.1f}s to issue all {APPROVALS}, numbers gapless"
    )
