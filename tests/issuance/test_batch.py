"""Batch signing: many pending orders in one transaction, each signed exactly once, nothing half-done."""

from __future__ import annotations

import threading

import pytest
import redis
from celery import current_app
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from certificates.applications.models import Application, ApplicationEvent
from certificates.applications.services import application_approve
from certificates.issuance import batch
from certificates.issuance.models import Certificate, CertificateEvent, IssuanceOrder
from certificates.issuance.tasks import sign_certificate
from signing.transparency.models import LogHead, LogLeaf
from tests.applications.factories import ApplicationFactory
from tests.issuance.helpers import belarusian_body, run_concurrently
from tests.reliability.helpers import assert_each_issued_exactly_once, clear_broker
from tests.services import WorkerProcess, subprocess_env, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _batches(settings):
    settings.ISSUANCE_BATCH_SIZE = 50


def _approved(count, make_submitted, officer) -> list[Application]:
    clear_broker()
    applications = [make_submitted(items=2) for _ in range(count)]
    for application in applications:
        application_approve(application=application, actor=officer)
    clear_broker()  # the tests below deliver the orders themselves
    return applications


def _orders(applications) -> list[int]:
    return list(
        IssuanceOrder.objects.filter(application__in=applications).order_by("id").values_list("id", flat=True)
    )


def test_one_task_signs_the_whole_batch_and_the_other_orders_tasks_find_them_done(
    postgres, redis_broker, signing_key, officer, make_submitted, settings
):
    settings.ISSUANCE_BATCH_SIZE = 10
    applications = _approved(6, make_submitted, officer)
    orders = _orders(applications)

    assert len(sign_certificate.run(orders[0])) == 6
    for order_id in [*orders, orders[0]]:  # every message, and the first one delivered twice
        assert sign_certificate.run(order_id) == []

    certificates = assert_each_issued_exactly_once([a.pk for a in applications])
    assert set(IssuanceOrder.objects.values_list("attempts", flat=True)) == {1}
    assert LogHead.objects.get().tree_size == 6
    assert [c.status_list_index for c in certificates] == [c.pk for c in certificates]


def test_a_task_whose_order_another_batch_holds_returns_at_once_without_counting_a_run(
    postgres, redis_broker, signing_key, officer, make_submitted, caplog
):
    [order_id] = _orders(_approved(1, make_submitted, officer))
    held, release = threading.Event(), threading.Event()

    def hold_as_a_batch_would() -> None:
        try:
            with transaction.atomic():
                IssuanceOrder.objects.select_for_update().get(pk=order_id)
                held.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_as_a_batch_would)
    holder.start()
    try:
        assert held.wait(timeout=10)
        # Had it waited for the lock, the release after it returns would let it sign the order.
        assert sign_certificate.run(order_id) == []
    finally:
        release.set()
        holder.join()

    order = IssuanceOrder.objects.get(pk=order_id)
    assert (order.state, order.attempts) == (IssuanceOrder.State.PENDING, 0)
    assert f"issuance order {order_id} is in another batch; nothing to do" in caplog.text
    assert not Certificate.objects.exists()


def test_two_concurrent_batches_over_the_same_orders_sign_each_once(
    postgres, redis_broker, signing_key, officer, make_submitted, settings
):
    settings.ISSUANCE_BATCH_SIZE = 5
    settings.ISSUANCE_TEST_DELAY_SECONDS = 0.02  # the two batches overlap
    applications = _approved(16, make_submitted, officer)
    orders = _orders(applications)
    issued: list[list[str]] = [[], []]

    def work(slot: int, order_ids: list[int]) -> None:
        try:
            for order_id in order_ids:
                issued[slot] += sign_certificate.run(order_id)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=work, args=(0, orders)),
        threading.Thread(target=work, args=(1, orders)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert_each_issued_exactly_once([a.pk for a in applications])
    assert sorted(issued[0] + issued[1]) == sorted(Certificate.objects.values_list("number", flat=True))
    assert issued[0], "the second thread did all the work: the batches did not overlap"
    assert issued[1], "the first thread did all the work: the batches did not overlap"


def test_a_crash_mid_batch_leaves_nothing_half_issued_and_a_retry_signs_them_all(
    postgres, redis_broker, signing_key, officer, make_submitted, settings
):
    applications = _approved(5, make_submitted, officer)
    orders = _orders(applications)
    settings.ISSUANCE_TEST_BATCH_CRASH_AFTER = 3

    with pytest.raises(batch.InjectedCrash):
        batch.certificates_issue_batch(order_id=orders[0], limit=5)

    assert Certificate.objects.count() == 0
    assert LogLeaf.objects.count() == 0
    assert not LogHead.objects.filter(tree_size__gt=0).exists()
    assert not CertificateEvent.objects.exists()
    assert not ApplicationEvent.objects.filter(action="issued").exists()
    assert set(IssuanceOrder.objects.values_list("state", flat=True)) == {IssuanceOrder.State.PENDING}
    assert set(Application.objects.values_list("status", flat=True)) == {Application.Status.APPROVED}

    settings.ISSUANCE_TEST_BATCH_CRASH_AFTER = 0
    assert len(sign_certificate.run(orders[0])) == 5
    assert_each_issued_exactly_once([a.pk for a in applications])


def test_a_batch_that_raises_issues_its_own_order_alone_and_queues_the_others_again(
    postgres, redis_broker, signing_key, officer, make_submitted, settings
):
    applications = _approved(4, make_submitted, officer)
    orders = _orders(applications)
    settings.ISSUANCE_TEST_BATCH_CRASH_AFTER = 2

    assert len(sign_certificate.run(orders[0])) == 1  # the batch crashed; the order alone did not
    assert Certificate.objects.get().application_id == applications[0].pk
    queued = IssuanceOrder.objects.filter(pk__in=orders[1:], queued_at__isnull=False).count()
    assert queued == 3, "the other orders of the failed batch were not queued again"

    settings.ISSUANCE_TEST_BATCH_CRASH_AFTER = 0
    for order_id in orders[1:]:
        sign_certificate.run(order_id)
    assert_each_issued_exactly_once([a.pk for a in applications])


def test_an_order_that_failed_before_is_left_to_its_own_task(
    postgres, redis_broker, signing_key, officer, make_submitted
):
    applications = _approved(3, make_submitted, officer)
    orders = _orders(applications)
    IssuanceOrder.objects.filter(pk=orders[1]).update(error_code="internal_error", attempts=1)

    assert len(sign_certificate.run(orders[0])) == 2
    assert IssuanceOrder.objects.get(pk=orders[1]).state == IssuanceOrder.State.PENDING
    assert len(sign_certificate.run(orders[1])) == 1
    assert_each_issued_exactly_once([a.pk for a in applications])


def test_a_batch_takes_each_sequences_numbers_with_one_lock_in_application_order(
    postgres, redis_broker, signing_key, officer, make_submitted
):
    _body, belarusian_officer, belarusian_exporter, _key = belarusian_body()
    clear_broker()
    export, import_ = Application.Type.EXPORT, Application.Type.IMPORT
    applications = [
        make_submitted(type=export),
        ApplicationFactory(
            exporter=belarusian_exporter.organization, created_by=belarusian_exporter, status="submitted"
        ),
        make_submitted(type=import_),
        make_submitted(type=export),
        ApplicationFactory(
            exporter=belarusian_exporter.organization, created_by=belarusian_exporter, status="submitted"
        ),
        make_submitted(type=import_),
        make_submitted(type=export),
    ]
    for application in applications:
        application_approve(
            application=application,
            actor=belarusian_officer if application.exporter.country == "BY" else officer,
        )
    clear_broker()

    with CaptureQueriesContext(connection) as queries:
        assert len(sign_certificate.run(_orders(applications)[0])) == len(applications)

    sequence_locks = [q["sql"] for q in queries if "numbersequence" in q["sql"] and "FOR UPDATE" in q["sql"]]
    assert len(sequence_locks) == 3, "one lock per sequence (UZ export, UZ import, BY export), not per number"
    numbers = [Certificate.objects.get(application=application).number for application in applications]
    year = Certificate.objects.first().year
    assert numbers == [
        f"UZ-{year}-EX-000001",
        f"BY-{year}-EX-000001",
        f"UZ-{year}-IM-000001",
        f"UZ-{year}-EX-000002",
        f"BY-{year}-EX-000002",
        f"UZ-{year}-IM-000002",
        f"UZ-{year}-EX-000003",
    ]
    assert_each_issued_exactly_once([a.pk for a in applications])


def test_concurrent_batches_over_two_bodies_and_both_types_neither_deadlock_nor_leave_a_gap(
    postgres, redis_broker, signing_key, officer, make_submitted, settings
):
    settings.ISSUANCE_BATCH_SIZE = 4
    settings.ISSUANCE_TEST_DELAY_SECONDS = 0.01  # the batches overlap
    _body, belarusian_officer, belarusian_exporter, _key = belarusian_body()
    clear_broker()
    applications = []
    for index in range(18):
        if index % 3 == 1:
            application = ApplicationFactory(
                exporter=belarusian_exporter.organization, created_by=belarusian_exporter, status="submitted"
            )
            application_approve(application=application, actor=belarusian_officer)
        else:
            application = make_submitted(
                type=Application.Type.IMPORT if index % 3 else Application.Type.EXPORT
            )
            application_approve(application=application, actor=officer)
        applications.append(application)
    clear_broker()
    orders = _orders(applications)

    assert (
        run_concurrently(
            [lambda o=orders: [sign_certificate.run(pk) for pk in o]] * 2
            + [lambda o=orders[::-1]: [sign_certificate.run(pk) for pk in o]]
        )
        == []
    )

    assert_each_issued_exactly_once([a.pk for a in applications])
    for prefix, type_ in (("UZ", "export"), ("UZ", "import"), ("BY", "export")):
        sequences = sorted(
            Certificate.objects.filter(number__startswith=f"{prefix}-", type=type_).values_list(
                "sequence", flat=True
            )
        )
        assert sequences == list(range(1, 7)), (prefix, type_)


COUNT = 24


@pytest.mark.worker
@pytest.mark.redis
def test_two_worker_processes_sign_every_order_once_and_the_pdfs_on_their_own_queue(
    postgres, redis_broker, signing_key, officer, make_submitted, settings
):
    clear_broker()
    applications = [make_submitted(items=1) for _ in range(COUNT)]
    signer = WorkerProcess(
        queues="celery", name="signer", concurrency=2, env=subprocess_env(ISSUANCE_BATCH_SIZE="7")
    )
    signer.start()
    try:
        for application in applications:
            application_approve(application=application, actor=officer)
        wait_until(
            lambda: IssuanceOrder.objects.filter(state="done").count() == COUNT,
            timeout=60,
            message=f"the signing worker to issue all {COUNT}",
        )
        pdf_queue = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        wait_until(
            lambda: pdf_queue.llen("pdf") == COUNT, timeout=10, message="every PDF queued after commit"
        )
    finally:
        signer.stop()
    assert_each_issued_exactly_once([a.pk for a in applications])
    assert Certificate.objects.exclude(pdf="").count() == 0, "the signing worker rendered a PDF"
    assert "render_certificate_pdf[" not in signer.log

    renderer = WorkerProcess(queues="pdf", name="pdf", concurrency=2).start()
    try:
        wait_until(
            lambda: Certificate.objects.exclude(pdf="").count() == COUNT,
            timeout=120,
            message="the PDF worker to render the PDFs left on their queue",
        )
    finally:
        renderer.stop()
    assert "sign_certificate[" not in renderer.log


def test_the_pdf_task_is_routed_to_the_pdf_queue():
    route = current_app.amqp.router.route({}, "certificates.render_certificate_pdf")
    assert route["queue"].name == "pdf"
    assert current_app.amqp.router.route({}, "certificates.sign_certificate")["queue"].name == "celery"
