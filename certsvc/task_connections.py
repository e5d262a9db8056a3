"""A task's database connections live as a request's do: kept for ``CONN_MAX_AGE``, checked before
use (``CONN_HEALTH_CHECKS``) and dropped after an error or a transaction left open.

Celery's Django fixup closes every connection before and after each task unless
``CELERY_DB_REUSE_MAX`` says otherwise: a new PostgreSQL backend for every task, and a certificate
takes several tasks. The settings give the fixup a reuse count it never reaches; these receivers
apply Django's own rule around each task instead.
"""

from __future__ import annotations

from typing import Any

from celery import signals
from django.db import close_old_connections


@signals.task_prerun.connect
@signals.task_postrun.connect
def task_connections_tidy(sender: Any = None, **_: Any) -> None:
    # An eager task runs inside its caller's transaction (tests): its connection is the caller's.
    if not getattr(getattr(sender, "request", None), "is_eager", False):
        close_old_connections()
