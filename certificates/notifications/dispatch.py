"""The life of an outbox row (a webhook delivery or an e-mail): publish, claim, retry, finish.

A row is the work; its message only wakes a worker. Publishing goes through
``certificates.outbox`` by task name, so this room never imports its own task module.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TypeAlias

from django.db import transaction
from django.utils import timezone

from certificates import outbox
from certificates.notifications import conf
from certificates.notifications.models import DeliveryStatus, EmailNotification, WebhookDelivery

OutboxRow: TypeAlias = EmailNotification | WebhookDelivery
OutboxModel: TypeAlias = type[EmailNotification] | type[WebhookDelivery]


def rows_publish(rows: Iterable[OutboxRow]) -> int:
    """Publish in order; the first refusal stops the run, since each try at a dead broker blocks.

    What is left stays pending (``queued_at`` empty) and the sweep publishes it later.
    """
    published = 0
    for row in rows:
        if not row_publish(row=row):
            break
        published += 1
    return published


def row_publish(*, row: OutboxRow, countdown: float = 0) -> bool:
    """Queue the task for ``row``; a broker outage is logged by the outbox and left to the sweep."""
    task_name = outbox.DELIVER_WEBHOOK if isinstance(row, WebhookDelivery) else outbox.SEND_EMAIL
    if not outbox.publish(task_name, row.pk, countdown=countdown):
        return False
    # Only a published row counts as queued; the sweep looks for the others.
    queued_at = timezone.now() + timedelta(seconds=countdown)
    type(row).objects.filter(pk=row.pk).update(queued_at=queued_at)
    return True


def row_claim(model: OutboxModel, row_id: int) -> bool:
    """Take the row for one attempt; another worker running the same message gets False."""
    now = timezone.now()
    lease = now + conf.get("ATTEMPT_LEASE")
    claimed = model.objects.filter(
        pk=row_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now + timedelta(seconds=1)
    ).update(next_attempt_at=lease, queued_at=None)
    return claimed == 1


def row_finish(row: OutboxRow, status: str) -> None:
    row.status, row.completed_at = status, timezone.now()
    row.next_attempt_at = None
    row.save(update_fields=["status", "completed_at", "attempts", "next_attempt_at"])


def row_retry_schedule(row: OutboxRow, delay: timedelta, now: datetime) -> None:
    row.next_attempt_at = now + delay
    row.save(update_fields=["attempts", "next_attempt_at"])
    _retry_queue(row, delay)


def _retry_queue(row: OutboxRow, delay: timedelta) -> None:
    """Near retries go out with a countdown; later ones wait for the sweep (no long broker ETAs)."""
    if delay <= conf.get("COUNTDOWN_LIMIT"):
        transaction.on_commit(lambda: row_publish(row=row, countdown=delay.total_seconds()))


def retry_backoff(schedule: tuple[float, ...], attempts: int) -> timedelta:
    base = schedule[attempts - 1]
    jitter = conf.get("WEBHOOK_RETRY_JITTER")
    return timedelta(seconds=base * (1 + random.uniform(-jitter, jitter)))  # noqa: S311 - not a secret
