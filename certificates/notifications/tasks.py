"""Thin Celery doors onto the notification services: ids in, one service call, safe to repeat.

The task names are ``certificates.outbox`` constants: services publish by name, never import this.
The HTTP call ends by WEBHOOK_TOTAL_TIMEOUT_SECONDS (15 s), SMTP by EMAIL_TIMEOUT: hence the limits.
Both tasks are routed to the `notifications` queue (CELERY_TASK_ROUTES), never the signing one.
"""

from __future__ import annotations

from celery import shared_task

from certificates import outbox
from certificates.notifications.email_delivery import email_send
from certificates.notifications.sweep import notifications_sweep as sweep
from certificates.notifications.webhook_delivery import webhook_delivery_attempt


@shared_task(
    name=outbox.DELIVER_WEBHOOK, acks_late=True, soft_time_limit=30, time_limit=45, ignore_result=True
)
def deliver_webhook(delivery_id: int) -> None:
    webhook_delivery_attempt(delivery_id=delivery_id)


@shared_task(name=outbox.SEND_EMAIL, acks_late=True, soft_time_limit=30, time_limit=45, ignore_result=True)
def send_email(email_id: int) -> None:
    email_send(email_id=email_id)


@shared_task(
    name=outbox.NOTIFICATIONS_SWEEP, acks_late=True, soft_time_limit=50, time_limit=60, ignore_result=True
)
def notifications_sweep() -> int:
    return sweep()
