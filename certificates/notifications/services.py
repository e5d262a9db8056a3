"""The notification services other rooms and the doors call, gathered in one place.

Each lives in the module of its part of the job: ``events`` (emitting), ``webhook_endpoints``,
``webhook_delivery``, ``email_delivery``, ``preferences``, ``sweep``; ``dispatch`` holds the
life of an outbox row they share.
"""

from __future__ import annotations

from certificates.notifications.email_delivery import email_send
from certificates.notifications.errors import NotificationError, WebhookURLRefused
from certificates.notifications.events import event_emit, events_emit
from certificates.notifications.preferences import (
    notification_preference_get,
    notification_preference_update,
)
from certificates.notifications.sweep import notifications_sweep
from certificates.notifications.webhook_delivery import (
    webhook_body,
    webhook_delivery_attempt,
    webhook_delivery_redeliver,
    webhook_headers,
)
from certificates.notifications.webhook_endpoints import (
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_disable,
    webhook_endpoint_room_check,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
    webhook_event_types_check,
    webhook_secret_generate,
    webhook_secrets_rewrap,
    webhook_signing_secrets,
    webhook_url_check,
)

__all__ = [
    "NotificationError",
    "WebhookURLRefused",
    "email_send",
    "event_emit",
    "events_emit",
    "notification_preference_get",
    "notification_preference_update",
    "notifications_sweep",
    "webhook_body",
    "webhook_delivery_attempt",
    "webhook_delivery_redeliver",
    "webhook_endpoint_create",
    "webhook_endpoint_delete",
    "webhook_endpoint_disable",
    "webhook_endpoint_room_check",
    "webhook_endpoint_rotate_secret",
    "webhook_endpoint_update",
    "webhook_event_types_check",
    "webhook_headers",
    "webhook_secret_generate",
    "webhook_secrets_rewrap",
    "webhook_signing_secrets",
    "webhook_url_check",
]
