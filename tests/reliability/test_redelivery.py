"""A message delivered more than once (a duplicate publish, a visibility-timeout redelivery) signs once."""

from __future__ import annotations

import re
import time

import pytest

from certificates.applications.services import application_approve
from certificates.issuance.models import Certificate
from certificates.issuance.tasks import sign_certificate
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


def _deliveries(worker, task_id: str) -> int:
    return len(re.findall(rf"Task certificates\.sign_certificate\[{task_id}\] received", worker.log))


def _runs_finished(worker, task_ids: list[str]) -> int:
    # Other tasks (the issued-certificate notifications) also succeed in this worker; count only these.
    return sum(
        len(re.findall(rf"Task certificates\.sign_certificate\[{task_id}\] succeeded", worker.log))
        for task_id in task_ids
    )


def _numbers_returned(worker, task_ids: list[str]) -> list[str]:
    """The certificate numbers every finished run of these tasks returned, in one list."""
    pattern = rf"sign_certificate\[(?:{'|'.join(map(re.escape, task_ids))})\] succeeded in [\d.]+s: \[(.*)\]"
    returned = re.findall(pattern, worker.log)
    return [number for listed in returned for number in re.findall(r"'([^']+)'", listed)]


def _order_of(application):
    return application.issuance.pk


def test_the_same_order_published_twice_with_the_same_task_id_signs_once(
    redis_broker, postgres, signing_key, officer, make_submitted
):
    applications = [make_submitted(items=1) for _ in range(3)]
    for application in applications:
        application_approve(application=application, actor=officer)
    clear_broker()  # only the duplicates below reach the worker
    task_ids = []
    for application in applications:
        task_id = f"duplicate-{application.pk}"
        task_ids.append(task_id)
        for _ in range(2):
            sign_certificate.apply_async(args=[_order_of(application)], task_id=task_id)

    worker = reliability_worker(concurrency=2, ISSUANCE_TEST_DELAY_SECONDS="0.5")
    try:
        worker.start()
        wait_until(lambda: pending_orders() == 0, timeout=30, message="all three orders to be signed")
        wait_until(lambda: _runs_finished(worker, task_ids) == 6, timeout=20, message="all six deliveries")
    finally:
        worker.stop()

    assert_each_issued_exactly_once([a.pk for a in applications])
    assert [_deliveries(worker, task_id) for task_id in task_ids] == [2, 2, 2]
    numbers = _numbers_returned(worker, task_ids)
    assert sorted(numbers) == sorted(Certificate.objects.values_list("number", flat=True)), worker.log
    # A delivery whose order was done, or held by a batch of another delivery, is a logged no-op.
    no_ops = worker.log.count("; nothing to do")
    assert no_ops >= 3, worker.log
    print(f"\n[duplicate publish] 3 orders × 2 identical messages: 6 deliveries, 3 signed, {no_ops} no-ops")


def test_a_task_outliving_the_visibility_timeout_is_redelivered_and_still_signs_once(
    redis_broker, postgres, signing_key, officer, make_submitted
):
    application = make_submitted(items=1)
    application_approve(application=application, actor=officer)
    clear_broker()
    task_id = f"visibility-{application.pk}"
    sign_certificate.apply_async(args=[_order_of(application)], task_id=task_id)  # published once

    worker = reliability_worker(concurrency=2, ISSUANCE_TEST_DELAY_SECONDS="3", CELERY_VISIBILITY_TIMEOUT="1")
    started = time.monotonic()
    try:
        worker.start()
        wait_until(lambda: pending_orders() == 0, timeout=30, message="the order to be signed")
        # Keep the worker up until the redelivered copies have run and been acknowledged.
        wait_until(lambda: worker.log.count("; nothing to do") >= 1, timeout=20, message="a redelivery")
        time.sleep(2)
    finally:
        worker.stop()
        clear_broker()

    deliveries = _deliveries(worker, task_id)
    no_ops = worker.log.count("; nothing to do")
    assert deliveries >= 2, worker.log
    # The copy arrived while the first delivery was still signing (before any run finished).
    received = [m.start() for m in re.finditer(rf"sign_certificate\[{task_id}\] received", worker.log)]
    assert received[1] < worker.log.index(f"sign_certificate[{task_id}] succeeded"), worker.log
    assert_each_issued_exactly_once([application.pk])
    print(
        f"\n[visibility timeout] signing 3 s, visibility 1 s: one message delivered {deliveries} times "
        f"({no_ops} no-op run(s)); 1 certificate, 1 log leaf, number 1; {time.monotonic() - started:.1f}s"
    )
