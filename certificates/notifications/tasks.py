"""Thin Celery doors onto the notification services: ids in, one service call, safe to repeat."""

from __future__ import annotations

from celery import shared_task

from certificates.notifications import services

# The HTTP call is bounded by connect 3 s + read 10 s; SMTP by EMAIL_TIMEOUT.
_LIMITS = {"acks_late": True, "soft_time_limit": 30, "time_limit": 45, "ignore_result": True}


@shared_task(name="notifications.deliver_webhook", **_LIMITS)
def deliver_webhook(delivery_id: int) -> None:
    services.webhook_delivery_attempt(delivery_id=delivery_id)


@shared_task(name="notifications.send_email", **_LIMITS)
def send_email(email_id: int) -> None:
    services.email_send(email_id=email_id)


@shared_task(
    name="notifications_sweep", acks_late=True, soft_time_limit=50, time_limit=60, ignore_result=True
)
def notifications_sweep() -> int:
    return services.notifications_sweep()
