"""What notifications add to the kernel's ``/metrics``: delivery backlogs and disabled webhook endpoints."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Min
from prometheus_client.core import GaugeMetricFamily, Metric

from certificates.notifications.models import (
    DeliveryStatus,
    EmailNotification,
    OutboxRow,
    WebhookDelivery,
    WebhookEndpoint,
)
from certsvc.metrics import age_seconds, collector_register

CHANNELS: dict[str, type[OutboxRow]] = {"webhook": WebhookDelivery, "email": EmailNotification}


def notification_gauges() -> Iterator[Metric]:
    backlog = GaugeMetricFamily(
        "certsvc_notification_backlog_oldest_seconds",
        "Age of the oldest pending notification delivery (0 when none is pending).",
        labels=["channel"],
    )
    for channel, model in CHANNELS.items():
        backlog.add_metric([channel], _oldest_pending_age(model))
    yield backlog
    yield GaugeMetricFamily(
        "certsvc_webhook_endpoints_disabled",
        "Webhook endpoints disabled after repeated failures.",
        value=WebhookEndpoint.objects.filter(disabled_at__isnull=False).count(),
    )


def _oldest_pending_age(model: type[OutboxRow]) -> float:
    oldest = model._default_manager.filter(status=DeliveryStatus.PENDING).aggregate(at=Min("created_at"))
    return age_seconds(oldest["at"])


def register() -> None:
    collector_register("notifications", notification_gauges)
