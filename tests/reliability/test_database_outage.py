"""The worker's PostgreSQL connection is terminated in the middle of the signing transaction."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from certificates.applications.services import application_approve
from certificates.issuance.models import IssuanceOrder
from tests.reliability.helpers import (
    assert_each_issued_exactly_once,
    clear_broker,
    pending_orders,
    reliability_worker,
)
from tests.services import wait_until

pytestmark = [
    pytest.mark.worker,
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

ORDERS = 3
# Backends of the test database, other than this test's own, inside an open transaction that
# holds the issuance order row lock: the signing task sleeping (ISSUANCE_TEST_DELAY_SECONDS)
# between locking and allocating the number. (A PDF task also idles in a transaction; not this one.)
SIGNING_BACKENDS = """
    SELECT DISTINCT activity.pid FROM pg_stat_activity activity
    JOIN pg_locks lock ON lock.pid = activity.pid
    WHERE activity.datname = current_database() AND activity.pid <> pg_backend_pid()
      AND activity.state = 'idle in transaction'
      AND lock.relation = 'certificates_issuanceorder'::regclass AND lock.mode = 'RowShareLock'
"""


def _terminate_a_signing_backend(already: set[int]) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(SIGNING_BACKENDS)
        pids = [pid for (pid,) in cursor.fetchall() if pid not in already]
        if not pids:
            return None
        cursor.execute("SELECT pg_terminate_backend(%s)", [pids[0]])
        return pids[0] if cursor.fetchone()[0] else None


def test_a_killed_database_connection_mid_signing_is_retried_and_issues_exactly_once(
    redis_broker, postgres, signing_key, officer, make_submitted
):
    applications = [make_submitted(items=1) for _ in range(ORDERS)]
    clear_broker()
    for application in applications:
        application_approve(application=application, actor=officer)

    worker = reliability_worker(concurrency=1, ISSUANCE_TEST_DELAY_SECONDS="1")
    terminated: set[int] = set()
    started = time.monotonic()
    try:
        worker.start()
        for _ in range(ORDERS):
            pid = wait_until(
                lambda: _terminate_a_signing_backend(terminated),
                timeout=30,
                interval=0.05,
                message="a worker backend inside the signing transaction",
            )
            terminated.add(pid)
        wait_until(lambda: pending_orders() == 0, timeout=60, message="every order to be signed")
    finally:
        worker.stop()
        clear_broker()

    retries = worker.log.count("Retry in")
    attempts = sum(IssuanceOrder.objects.values_list("attempts", flat=True))
    assert len(terminated) == ORDERS
    assert attempts == ORDERS + len(terminated), "each terminated run must have been run again"
    assert retries >= ORDERS, worker.log
    assert "OperationalError" in worker.log or "InterfaceError" in worker.log
    assert_each_issued_exactly_once([a.pk for a in applications])
    print(
        f"\n[database connection killed] {ORDERS} orders, {len(terminated)} backends terminated inside "
        f"the signing transaction, {retries} autoretries, {attempts} runs; {ORDERS} certificates, "
        f"numbers 1..{ORDERS}, log leaves == certificates; {time.monotonic() - started:.1f}s"
    )
