"""Celery tasks: thin doors that take ids, call one domain function, and are safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils import timezone
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from certificates.issuance import services as issuance
from certificates.issuance.models import Certificate, IssuanceOrder

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError)
_PUBLISH_ERRORS = (KombuError, RedisError, OSError)


def publish_safely(task, *args, **options) -> bool:
    """Send a task; a broker outage is logged, not raised, because the outbox sweep sends it later."""
    try:
        task.apply_async(args=args, **options)
    except _PUBLISH_ERRORS as exc:
        logger.warning("could not publish %s%r: %s", task.name, args, exc)
        return False
    return True


def enqueue_issuance(order_id: int) -> None:
    """Queue signing for an order and note when, so the sweep can tell a lost message from a fresh one."""
    if publish_safely(sign_certificate, order_id):
        IssuanceOrder.objects.filter(pk=order_id, state=IssuanceOrder.State.PENDING).update(
            queued_at=timezone.now()
        )


@shared_task(
    name="certificates.sign_certificate",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=10,
)
def sign_certificate(order_id: int) -> str | None:
    result = issuance.certificate_issue(order_id=order_id)
    return result.certificate.number if result.certificate else None


@shared_task(name="certificates.issuance_sweep")
def issuance_sweep() -> int:
    """Re-queue issuance that is due but whose message never arrived or was lost (broker outage, crash)."""
    order_ids = issuance.issuance_orders_due()
    for order_id in order_ids:
        enqueue_issuance(order_id)
    if order_ids:
        logger.info("issuance sweep re-queued %d order(s)", len(order_ids))
    return len(order_ids)


@shared_task(
    name="certificates.render_certificate_pdf",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(*TRANSIENT_ERRORS, DatabaseError),
    retry_backoff=5,
    max_retries=5,
)
def render_certificate_pdf(certificate_id: int) -> None:
    issuance.certificate_pdf_store(certificate=Certificate.objects.get(pk=certificate_id))
