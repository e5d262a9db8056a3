"""Celery tasks: thin doors that take ids, call one domain function, and are safe to run twice.

Services never import this module: they publish these tasks by name through ``certificates.outbox``.
"""

from __future__ import annotations

from celery import Task, shared_task
from django.db import DatabaseError, InterfaceError, OperationalError

from certificates import outbox
from certificates.issuance import batch
from certificates.issuance import services as issuance
from certificates.issuance.models import Certificate

TRANSIENT_ERRORS = (OperationalError, InterfaceError)


@shared_task(
    name=outbox.SIGN_CERTIFICATE,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=10,
)
def sign_certificate(order_id: int) -> list[str]:
    """Signs the order with other pending ones (a batch); the numbers issued, none if another batch had it."""
    results = batch.certificate_issue_batched(order_id=order_id)
    return [result.certificate.number for result in results if result.certificate]


@shared_task(name="certificates.issuance_sweep")
def issuance_sweep() -> int:
    """Re-queue issuance that is due but whose message never arrived or was lost (broker outage, crash)."""
    return issuance.issuance_orders_requeue()


@shared_task(
    bind=True,
    name=outbox.RENDER_CERTIFICATE_PDF,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(*TRANSIENT_ERRORS, DatabaseError),
    retry_backoff=5,
    max_retries=5,
)
def render_certificate_pdf(self: Task[[int], None], certificate_id: int) -> None:
    # A worker that signs too would only keep its own signatures waiting: it renders at once.
    if self.app.conf.task_default_queue not in self.app.amqp.queues.consume_from:
        issuance.pdf_rendering_yield_to_signing()
    issuance.certificate_pdf_store(certificate=Certificate.objects.get(pk=certificate_id))
