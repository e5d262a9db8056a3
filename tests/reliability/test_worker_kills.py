"""SIGKILL of the whole Celery worker, again and again, while 200 certificates are signed."""

from __future__ import annotations

import os
import random
import time

import pytest

from certificates.applications.services import application_approve
from certificates.issuance.models import Certificate, IssuanceOrder
from certificates.issuance.tasks import issuance_sweep
from tests.reliability.helpers import (
    assert_each_issued_exactly_once,
    clear_broker,
    reliability_worker,
    sweep_until_done,
)

pytestmark = [
    pytest.mark.worker,
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

APPLICATIONS = 200
KILLS = 4


def test_worker_killed_four_times_while_signing_200_loses_nothing_and_doubles_nothing(
    redis_broker, postgres, settings, signing_key, officer, make_submitted
):
    settings.ISSUANCE_STALE_SECONDS = 2
    seed = int(os.environ.get("RELIABILITY_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    applications = [make_submitted(items=1) for _ in range(APPLICATIONS)]
    clear_broker()
    for application in applications:
        application_approve(application=application, actor=officer)

    started = time.monotonic()
    # A signing transaction (a batch of up to ISSUANCE_BATCH_SIZE) lasts a second: the 200 take at
    # least two, so every kill lands in the middle of the work.
    worker = reliability_worker(concurrency=2, ISSUANCE_TEST_DELAY_SECONDS="1", ISSUANCE_STALE_SECONDS="2")
    issued_at_kills = []
    try:
        worker.start()
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.5, 2.0))
            worker.kill()
            issued_at_kills.append(Certificate.objects.count())
            worker.start()
            # Messages a killed worker had taken are unacknowledged for an hour; the sweep re-queues them.
            issuance_sweep.run()
        sweeps = sweep_until_done(timeout=75, every=2)
    finally:
        worker.stop()
        clear_broker()  # the duplicates the sweeps sent; each would only find its order done
    elapsed = time.monotonic() - started

    assert_each_issued_exactly_once([a.pk for a in applications])
    assert len(issued_at_kills) == KILLS
    assert issued_at_kills[0] < APPLICATIONS, "the first kill came after all the work was done"
    retried = IssuanceOrder.objects.filter(attempts__gt=1).count()
    print(
        f"\n[worker kills] seed {seed}: {APPLICATIONS} applications, {KILLS} SIGKILLs "
        f"(certificates at each kill: {issued_at_kills}), {sweeps + KILLS} sweeps, "
        f"{retried} orders run more than once; {Certificate.objects.count()} certificates, "
        f"numbers 1..{APPLICATIONS} gapless, 0 stuck, log leaves == certificates; {elapsed:.1f}s"
    )
    assert elapsed < 90
