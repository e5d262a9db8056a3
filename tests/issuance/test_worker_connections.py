"""A worker keeps its PostgreSQL connections between tasks, by DATABASES' rule (CONN_MAX_AGE)."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from certificates.applications.services import application_approve
from certificates.issuance.models import IssuanceOrder
from tests.reliability.helpers import assert_each_issued_exactly_once, clear_broker
from tests.services import WorkerProcess, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

COUNT = 12


def _sessions_opened() -> int:
    """Connections ever opened to this database (PostgreSQL counts them from a backend's start)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return int(cursor.fetchone()[0])


@pytest.mark.worker
@pytest.mark.redis
def test_one_worker_process_signs_a_dozen_orders_on_the_connection_it_opened_first(
    postgres, redis_broker, signing_key, officer, make_submitted
):
    clear_broker()
    applications = [make_submitted(items=1) for _ in range(COUNT)]
    worker = WorkerProcess(queues="celery,notifications", concurrency=1).start()
    try:
        application_approve(application=applications[0], actor=officer)
        wait_until(
            lambda: IssuanceOrder.objects.filter(state="done").count() == 1,
            timeout=30,
            message="the first order, whose signing opens the worker's connection",
        )
        time.sleep(1.5)  # a backend's statistics reach the view within a second
        before = _sessions_opened()
        for application in applications[1:]:
            application_approve(application=application, actor=officer)
        wait_until(
            lambda: IssuanceOrder.objects.filter(state="done").count() == COUNT,
            timeout=60,
            message=f"the other {COUNT - 1} orders",
        )
        time.sleep(1.5)
        opened = _sessions_opened() - before
    finally:
        worker.stop()

    assert_each_issued_exactly_once([a.pk for a in applications])
    # Celery's own rule opened one for each of the 11 signings and each notification after them.
    assert opened <= 1, f"{opened} connections opened for {COUNT - 1} signings"
    print(f"\n[worker connections] {COUNT - 1} signings and their notifications: {opened} opened")
