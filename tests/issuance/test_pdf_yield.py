"""A PDF worker waits while signing orders are pending: the signer gets the cores first, within a bound."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates.issuance import services as issuance
from certificates.issuance.models import Certificate, IssuanceOrder
from certificates.issuance.tasks import render_certificate_pdf
from tests.issuance.helpers import approve, issue
from tests.reliability.helpers import clear_broker
from tests.services import WorkerProcess, subprocess_env, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.worker
@pytest.mark.redis
def test_a_pdf_worker_renders_only_once_pending_signing_is_done(
    redis_broker, signing_key, officer, make_submitted
):
    clear_broker()
    certificate = issue(make_submitted(), officer)  # its PDF message waits on the `pdf` queue
    signing = approve(make_submitted(), officer)  # pending: no signing worker runs here
    renderer = WorkerProcess(
        queues="pdf", name="pdf", concurrency=1, env=subprocess_env(PDF_YIELD_TO_SIGNING_SECONDS="120")
    )
    try:
        renderer.start()
        wait_until(
            lambda: "render_certificate_pdf[" in renderer.log, timeout=20, message="the PDF task to arrive"
        )
        time.sleep(1.5)
        certificate.refresh_from_db()
        assert not certificate.pdf, "the PDF was rendered while a signing order was pending"
        IssuanceOrder.objects.filter(pk=signing.pk).update(state=IssuanceOrder.State.DONE)
        wait_until(
            lambda: Certificate.objects.exclude(pdf="").exists(), timeout=20, message="the PDF, signing done"
        )
    finally:
        renderer.stop()
        clear_broker()
    certificate.refresh_from_db()
    assert certificate.pdf.read().startswith(b"%PDF-")


def test_a_worker_that_also_signs_renders_at_once(signing_key, officer, make_submitted, settings):
    settings.PDF_YIELD_TO_SIGNING_SECONDS = 120
    certificate = issue(make_submitted(), officer)
    approve(make_submitted(), officer)

    with CaptureQueriesContext(connection) as queries:
        render_certificate_pdf.run(certificate.pk)  # this app consumes the default queue, as such a worker

    assert not [query for query in queries if "certificates_issuanceorder" in query["sql"]]
    certificate.refresh_from_db()
    assert certificate.pdf.read().startswith(b"%PDF-")


def test_the_wait_is_bounded(signing_key, officer, make_submitted, settings):
    settings.PDF_YIELD_TO_SIGNING_SECONDS = 1
    approve(make_submitted(), officer)  # never signed: nothing consumes it here

    waited = issuance.pdf_rendering_yield_to_signing(poll_seconds=0.05)

    assert 1 <= waited < 5
    assert IssuanceOrder.objects.get().state == IssuanceOrder.State.PENDING


def test_orders_that_failed_before_do_not_hold_pdfs_up(
    signing_key, officer, make_submitted, settings, django_assert_num_queries
):
    settings.PDF_YIELD_TO_SIGNING_SECONDS = 30
    order = approve(make_submitted(), officer)
    IssuanceOrder.objects.filter(pk=order.pk).update(error_code="no_active_key")

    with django_assert_num_queries(1):
        waited = issuance.pdf_rendering_yield_to_signing()

    assert waited < 1


def test_with_the_setting_at_zero_nothing_waits_or_asks(
    signing_key, officer, make_submitted, settings, django_assert_num_queries
):
    settings.PDF_YIELD_TO_SIGNING_SECONDS = 0
    approve(make_submitted(), officer)

    with django_assert_num_queries(0):
        issuance.pdf_rendering_yield_to_signing()
