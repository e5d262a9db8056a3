"""Checks shared by the reliability tests: every approved application issued exactly once."""

from __future__ import annotations

import statistics
import time
from collections import defaultdict

from django.conf import settings

from certificates.applications.models import Application, ApplicationEvent
from certificates.issuance.models import Certificate, CertificateEvent, IssuanceOrder
from certificates.issuance.tasks import issuance_sweep
from signing.transparency.models import LogLeaf
from tests.services import WorkerProcess, purge_broker, subprocess_env

WORKER_SETTINGS = "tests.reliability.worker_settings"


def reliability_worker(*, concurrency: int = 2, **env: str) -> WorkerProcess:
    # Signing only, as the signing worker runs: PDFs have their own queue and worker in production.
    return WorkerProcess(
        concurrency=concurrency,
        env=subprocess_env(DJANGO_SETTINGS_MODULE=WORKER_SETTINGS, **env),
        queues="celery,notifications",
    )


def clear_broker() -> None:
    """Empty the queue and forget unacknowledged messages of earlier tests (a killed worker's).

    Only the keys of this suite's own Redis database; the server is shared.
    """
    import redis

    purge_broker()
    if settings.CELERY_BROKER_URL.startswith("redis://"):
        redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("unacked", "unacked_index", "unacked_mutex")


def pending_orders() -> int:
    return IssuanceOrder.objects.exclude(state=IssuanceOrder.State.DONE).count()


def sweep_until_done(*, timeout: float, every: float = 2.0) -> int:
    """Run the outbox sweep every ``every`` seconds until no order is pending; return the sweeps run."""
    deadline = time.monotonic() + timeout
    sweeps = 0
    while pending_orders():
        if time.monotonic() > deadline:
            raise AssertionError(f"{pending_orders()} order(s) still not done after {timeout}s")
        issuance_sweep.run()
        sweeps += 1
        time.sleep(every)
    return sweeps


def assert_each_issued_exactly_once(application_ids: list[int]) -> list[Certificate]:
    """One certificate, one number, one signature and one log leaf per application; nothing else."""
    count = len(application_ids)
    certificates = list(Certificate.objects.order_by("sequence"))
    assert sorted(c.application_id for c in certificates) == sorted(application_ids)
    sequences: dict[tuple, list[int]] = defaultdict(list)  # per body, year and type
    for certificate in certificates:
        sequences[(certificate.issuer_id, certificate.year, certificate.type)].append(certificate.sequence)
    for taken in sequences.values():
        assert taken == list(range(1, len(taken) + 1)), "numbers not gapless"
    assert len({c.number for c in certificates}) == count
    assert all(c.jws and c.jws_sha256 and c.kid for c in certificates), "certificate without signature"
    assert set(Application.objects.filter(pk__in=application_ids).values_list("status", flat=True)) == {
        Application.Status.ISSUED
    }
    assert IssuanceOrder.objects.filter(state=IssuanceOrder.State.DONE).count() == count
    assert pending_orders() == 0, "an order is stuck pending or failed"
    # A crash must not leave a log leaf or a signature whose certificate row was rolled back.
    assert sorted(c.log_index for c in certificates) == sorted(
        LogLeaf.objects.values_list("index", flat=True)
    )
    assert CertificateEvent.objects.filter(action="issued").count() == count
    assert ApplicationEvent.objects.filter(action="issued").count() == count
    return certificates


def latency_figures(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return (
        f"p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {ordered[-1] * 1000:.0f} ms"
    )
