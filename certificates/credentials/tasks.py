"""Celery tasks of credentials: thin doors, safe to run twice, published by name (outbox)."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from certificates import outbox
from certificates.credentials import services as credentials

TRANSIENT_ERRORS = (OperationalError, InterfaceError)


@shared_task(
    name=outbox.SIGN_CREDENTIAL,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    max_retries=10,
)
def sign_credential(number: str) -> str:
    return credentials.certificate_credential_sign(number=number).number


@shared_task(
    name=outbox.REFRESH_STATUS_LIST,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    max_retries=10,
)
def refresh_status_list() -> str:
    return credentials.status_list_refresh().valid_until.isoformat()
