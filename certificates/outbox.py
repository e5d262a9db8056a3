"""Background work by task name: services publish here and never import a task module.

What must happen is already a database row (an issuance order, a webhook delivery, an e-mail)
written in the caller's transaction; the message only wakes a worker for it. A broker outage is
therefore logged, not raised: the periodic sweeps re-queue every row whose message was lost.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app
from django.db import transaction
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

SIGN_CERTIFICATE = "certificates.sign_certificate"
RENDER_CERTIFICATE_PDF = "certificates.render_certificate_pdf"
DELIVER_WEBHOOK = "notifications.deliver_webhook"
SEND_EMAIL = "notifications.send_email"
NOTIFICATIONS_SWEEP = "notifications_sweep"
SIGN_CREDENTIAL = "credentials.sign_credential"
REFRESH_STATUS_LIST = "credentials.refresh_status_list"

PUBLISH_ERRORS = (KombuError, RedisError, OSError)

logger = logging.getLogger(__name__)


def publish(task_name: str, *args: Any, **options: Any) -> bool:
    """Send ``task_name(*args)`` now; False (and a warning) when the broker cannot take it."""
    try:
        current_app.send_task(task_name, args=args, **options)
    except PUBLISH_ERRORS as exc:
        logger.warning("could not queue %s%r, the sweep will retry: %s", task_name, args, exc)
        return False
    return True


def publish_on_commit(task_name: str, *args: Any, **options: Any) -> None:
    """Send it once the current transaction commits, and never if it rolls back."""
    transaction.on_commit(lambda: publish(task_name, *args, **options))
