"""Tunables, each overridable in settings (tests shrink the retry schedules)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings

# Seconds between attempts: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h (± jitter) — seven attempts over ~17.5 h.
WEBHOOK_RETRY_SCHEDULE: tuple[float, ...] = (5, 300, 1800, 7200, 18000, 36000)
WEBHOOK_RETRY_JITTER = 0.1
EMAIL_RETRY_SCHEDULE: tuple[float, ...] = (60, 600, 3600, 14400)
# An endpoint is switched off after this many events failed every attempt, or failing this long.
WEBHOOK_DISABLE_AFTER_FAILED_EVENTS = 5
WEBHOOK_DISABLE_AFTER = timedelta(hours=24)
WEBHOOK_SECRET_OVERLAP = timedelta(hours=24)
WEBHOOK_MAX_RETRY_AFTER = timedelta(hours=24)
# Wall-clock bound on one whole delivery attempt: connect, TLS, request, headers and body.
WEBHOOK_TOTAL_TIMEOUT_SECONDS = 15
# Endpoints one organization may register.
WEBHOOK_MAX_ENDPOINTS_PER_ORGANIZATION = 10
# Retries closer than this are queued with a countdown; later ones are left to the sweep.
COUNTDOWN_LIMIT = timedelta(minutes=5)
# A claimed row whose worker died becomes due again after the lease.
ATTEMPT_LEASE = timedelta(minutes=2)
# A published message not consumed this long after it was due is published again.
STALE_AFTER = timedelta(minutes=2)
SWEEP_BATCH = 500


def get(name: str) -> Any:
    """The setting ``name`` when the project sets it, else the default above."""
    return getattr(settings, name, globals()[name])
