"""The sweep: publish again what a broker outage or a dead worker left pending."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from certificates.notifications import conf
from certificates.notifications.dispatch import OutboxModel, OutboxRow, rows_publish
from certificates.notifications.models import DeliveryStatus, EmailNotification, WebhookDelivery


def notifications_sweep(*, now: datetime | None = None) -> int:
    """Publish every pending row that is due and has no live message; returns how many."""
    now = now or timezone.now()
    published = 0
    for model in (WebhookDelivery, EmailNotification):
        rows: list[OutboxRow] = list(_due(model, now).order_by("next_attempt_at")[: conf.get("SWEEP_BATCH")])
        count = rows_publish(rows)
        published += count
        if count < len(rows):
            break  # the broker refused: the next sweep tries again
    return published


def _due(model: OutboxModel, now: datetime) -> QuerySet[EmailNotification] | QuerySet[WebhookDelivery]:
    """Pending and due, and either never published or published so long ago the message is lost."""
    stale = now - conf.get("STALE_AFTER")
    pending = model.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    return pending.filter(Q(queued_at__isnull=True) | Q(queued_at__lte=stale))
