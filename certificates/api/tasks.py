"""The API plumbing's periodic work: a thin door onto one service."""

from __future__ import annotations

from celery import shared_task

from certificates.api.idempotency import idempotency_keys_purge


@shared_task(name="certificates.idempotency_keys_purge", ignore_result=True)
def idempotency_keys_purge_task() -> int:
    return idempotency_keys_purge()
