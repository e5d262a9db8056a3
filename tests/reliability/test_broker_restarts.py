"""Redis (a private instance) restarts three times under a consuming worker; nobody restarts the worker."""

from __future__ import annotations

import time

import pytest

from certificates.applications.services import application_approve
from certificates.issuance.models import Certificate
from tests.reliability.helpers import assert_each_issued_exactly_once, reliability_worker, sweep_until_done
from tests.services import WorkerProcess, wait_until

pytestmark = [
    pytest.mark.worker,
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

RESTARTS = 3
BEFORE = 3  # per restart, approved while Redis is up: two of them are being signed when it crashes
DURING = 3  # per restart, approved while Redis is down: publishing fails, the sweep sends them later
AFTER = 4  # approved once the last restart is over
# Each signing outlasts the outage and the worker's reconnect (its first retry comes 2 s after the
# loss), so tasks begun on the old connection finish, and are acknowledged, on the new one.
TASK_DELAY_SECONDS = 3.0
INTO_THE_TASK_SECONDS = 0.3
OUTAGE_SECONDS = 0.3


def test_worker_keeps_consuming_through_three_redis_restarts_and_issues_each_approval_once(
    private_redis, postgres, settings, signing_key, officer, make_submitted
):
    settings.ISSUANCE_STALE_SECONDS = 2
    per_phase = {"before": BEFORE * RESTARTS, "during": DURING * RESTARTS, "after": AFTER}
    applications = [make_submitted(items=1) for _ in range(sum(per_phase.values()))]
    pending = iter(applications)

    def approve(count: int) -> None:
        for _ in range(count):
            application_approve(application=next(pending), actor=officer)

    worker = reliability_worker(
        concurrency=2,
        CELERY_BROKER_URL=private_redis.url,
        ISSUANCE_TEST_DELAY_SECONDS=str(TASK_DELAY_SECONDS),
        ISSUANCE_STALE_SECONDS="2",
    )
    # As in production (make run, compose): gossip, mingle and heartbeat on; their fanout channels
    # are the ones closed and reopened on every reconnect.
    worker.command = [arg for arg in worker.command if not arg.startswith("--without-")]
    started = time.monotonic()
    issued_at_crashes = []
    try:
        worker.start()
        for _ in range(RESTARTS):
            signing = signings_started(worker)
            approve(BEFORE)
            wait_until(
                lambda before=signing: signings_started(worker) > before,
                timeout=20,
                message="a signing to start",
            )
            time.sleep(INTO_THE_TASK_SECONDS)
            private_redis.stop()
            issued_at_crashes.append(Certificate.objects.count())
            approve(DURING)
            time.sleep(OUTAGE_SECONDS)
            private_redis.start()
            time.sleep(TASK_DELAY_SECONDS)
            assert worker.process.poll() is None, "the worker exited on a broker restart:\n" + worker.log
        approve(AFTER)
        sweeps = sweep_until_done(timeout=60, every=2)
        assert worker.process.poll() is None, "the worker exited:\n" + worker.log
        restarts_of_worker = worker.log.count(" ready.") - 1
    finally:
        worker.stop()
    elapsed = time.monotonic() - started

    assert "Unrecoverable error" not in worker.log, worker.log
    assert restarts_of_worker == 0
    assert_each_issued_exactly_once([a.pk for a in applications])
    assert issued_at_crashes[-1] < len(applications)
    print(
        f"\n[redis restarts] {RESTARTS} Redis crashes+restarts under one worker (never restarted): "
        f"{per_phase['before']} approvals before, {per_phase['during']} during, {per_phase['after']} "
        f"after — all {len(applications)} issued exactly once (certificates at each crash: "
        f"{issued_at_crashes}), {sweeps} sweep(s) at the end; {elapsed:.1f}s"
    )
    assert elapsed < 90


def signings_started(worker: WorkerProcess) -> int:
    return sum("sign_certificate[" in line and line.endswith("received\n") for line in worker.lines)
