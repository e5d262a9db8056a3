"""Webhook delivery: one signed attempt per claimed row, its result recorded, retries scheduled.

Safe to run twice: a row is claimed by a conditional update before any network call, and the
result is recorded under the endpoint's and the delivery's row locks.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook

from certificates.notifications import conf, transport
from certificates.notifications.dispatch import (
    retry_backoff,
    row_claim,
    row_finish,
    row_publish,
    row_retry_schedule,
)
from certificates.notifications.errors import NotificationError
from certificates.notifications.models import (
    DeliveryStatus,
    Event,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from certificates.notifications.webhook_endpoints import (
    row_lock,
    webhook_endpoint_disable,
    webhook_signing_secrets,
)

logger = logging.getLogger(__name__)


def webhook_body(*, event: Event) -> str:
    payload = {
        "type": event.type,
        "timestamp": event.created_at.isoformat().replace("+00:00", "Z"),
        "data": event.data,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)


def webhook_headers(*, delivery: WebhookDelivery, body: str, now: datetime) -> dict[str, str]:
    """Standard Webhooks headers, signed with every secret the endpoint currently accepts."""
    moment = now.replace(microsecond=0)
    signatures = [
        Webhook(secret).sign(msg_id=delivery.message_id, timestamp=moment, data=body)
        for secret in webhook_signing_secrets(endpoint=delivery.endpoint, now=now)
    ]
    return {
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": " ".join(signatures),
        "Content-Type": "application/json",
        "User-Agent": "certsvc-webhooks/1",
    }


def webhook_delivery_attempt(*, delivery_id: int) -> None:
    """One attempt for a due delivery; a duplicate message, or a finished row, does nothing."""
    if not row_claim(WebhookDelivery, delivery_id):
        return
    delivery = WebhookDelivery.objects.select_related("event", "endpoint").get(pk=delivery_id)
    if not delivery.endpoint.active:
        row_finish(delivery, DeliveryStatus.CANCELLED)
        return
    now = timezone.now()
    try:
        response = _webhook_send(delivery, now)
    except Exception as exc:  # a crash would leave the row claimed, never counted
        logger.exception("webhook delivery %s failed unexpectedly", delivery.pk)
        response = transport.Response(status_code=None, latency_ms=0, error=type(exc).__name__)
    _record_attempt(delivery, response, now)


def _webhook_send(delivery: WebhookDelivery, now: datetime) -> transport.Response:
    body = webhook_body(event=delivery.event)
    return transport.post(
        url=delivery.endpoint.url,
        body=body.encode(),
        headers=webhook_headers(delivery=delivery, body=body, now=now),
    )


@transaction.atomic
def _record_attempt(delivery: WebhookDelivery, response: transport.Response, now: datetime) -> None:
    # Endpoint first, then the delivery: the same order as webhook_endpoint_delete, so no deadlock.
    row_lock(WebhookEndpoint, delivery.endpoint_id)
    if not row_lock(WebhookDelivery, delivery.pk):
        return  # the endpoint was deleted during the attempt, and its log with it
    _attempt_log(delivery, response, now)
    delivery.attempts += 1
    if response.ok:
        row_finish(delivery, DeliveryStatus.DELIVERED)
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(failed_events=0, failing_since=None)
    elif response.status_code == 410:
        row_finish(delivery, DeliveryStatus.FAILED)
        webhook_endpoint_disable(endpoint=delivery.endpoint, reason="The receiver answered 410 Gone.")
    else:
        _record_failure(delivery, response, now)


def _attempt_log(delivery: WebhookDelivery, response: transport.Response, now: datetime) -> None:
    WebhookAttempt.objects.create(
        delivery=delivery,
        attempted_at=now,
        status_code=response.status_code,
        latency_ms=response.latency_ms,
        success=response.ok,
        error=response.error[:200],
    )


def _record_failure(delivery: WebhookDelivery, response: transport.Response, now: datetime) -> None:
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    endpoint.failing_since = endpoint.failing_since or now
    schedule = conf.get("WEBHOOK_RETRY_SCHEDULE")
    if delivery.attempts > len(schedule):
        row_finish(delivery, DeliveryStatus.FAILED)
        endpoint.failed_events += 1
    else:
        row_retry_schedule(delivery, _webhook_delay(schedule, delivery.attempts, response), now)
    endpoint.save(update_fields=["failing_since", "failed_events"])
    if _failing_too_long(endpoint, now):
        webhook_endpoint_disable(endpoint=endpoint, reason="Deliveries kept failing.")


def _failing_too_long(endpoint: WebhookEndpoint, now: datetime) -> bool:
    if endpoint.failed_events >= conf.get("WEBHOOK_DISABLE_AFTER_FAILED_EVENTS"):
        return True
    failing_since = endpoint.failing_since
    return failing_since is not None and now - failing_since > conf.get("WEBHOOK_DISABLE_AFTER")


def _webhook_delay(schedule: tuple[float, ...], attempts: int, response: transport.Response) -> timedelta:
    if response.status_code == 429 and response.retry_after is not None:
        longest: timedelta = conf.get("WEBHOOK_MAX_RETRY_AFTER")
        return min(response.retry_after, longest)
    return retry_backoff(schedule, attempts)


@transaction.atomic
def webhook_delivery_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send the event again, with the same ``webhook-id``, and a fresh round of retries."""
    delivery = WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery.pk)
    if not delivery.endpoint.active:
        raise NotificationError("endpoint_inactive", _("Activate the endpoint before redelivering."))
    delivery.status, delivery.attempts = DeliveryStatus.PENDING, 0
    delivery.next_attempt_at, delivery.completed_at = timezone.now(), None
    delivery.save(update_fields=["status", "attempts", "next_attempt_at", "completed_at"])
    transaction.on_commit(lambda: row_publish(row=delivery))
    return delivery
