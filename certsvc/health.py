"""Liveness (``/healthz``) and readiness (``/readyz``) probes, and the worker heartbeat behind them.

Readiness fails (503) when something a web request needs is missing: the database, the
broker, a usable active signing key. A silent worker only makes readiness ``degraded``
(still 200): taking the web replicas out of the load balancer would not bring a worker
back, while the API keeps accepting work that the outbox rows hold until workers return.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from celery import shared_task, signals
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

HEARTBEAT_CACHE_KEY = "certsvc:worker-heartbeat"
HEARTBEAT_TASK = "certsvc.worker_heartbeat"

OK, DEGRADED, FAIL = "ok", "degraded", "fail"


def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers; touches nothing else."""
    return JsonResponse({"status": OK})


def readyz(request: HttpRequest) -> JsonResponse:
    report = readiness_report()
    return JsonResponse(report, status=503 if report["status"] == FAIL else 200)


def readiness_report() -> dict[str, Any]:
    checks = {name: _timed(check) for name, check in REQUIRED_CHECKS.items()}
    checks["worker"] = check_worker()
    if any(checks[name]["status"] != OK for name in REQUIRED_CHECKS):
        status = FAIL
    else:
        status = OK if checks["worker"]["status"] == OK else DEGRADED
    return {"status": status, "checks": checks}


def _timed(check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    started = time.monotonic()
    try:
        result = {"status": OK, **check()}
    except Exception as exc:
        # The class name only: messages of driver errors can carry host names or credentials.
        result = {"status": FAIL, "error": type(exc).__name__}
    result["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def check_database() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_broker() -> dict[str, Any]:
    from kombu import Connection

    timeout = settings.HEALTH_BROKER_TIMEOUT
    with Connection(
        settings.CELERY_BROKER_URL,
        connect_timeout=timeout,
        transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    ) as conn:
        conn.ensure_connection(max_retries=0, timeout=timeout)
    return {}


def check_signing_key() -> dict[str, Any]:
    from signing.backends import get_backend
    from signing.selectors import signing_key_get_active

    key = signing_key_get_active()
    get_backend(key.backend).check_usable(key.key_ref)
    return {"kid": key.kid}


def check_worker() -> dict[str, Any]:
    """Age of the last heartbeat a worker wrote; ``stale`` past ``WORKER_HEARTBEAT_MAX_AGE``."""
    age = heartbeat_age()
    if age is None:
        return {"status": "unknown", "last_seen_seconds_ago": None}
    fresh = age <= settings.WORKER_HEARTBEAT_MAX_AGE
    return {"status": OK if fresh else "stale", "last_seen_seconds_ago": round(age, 1)}


REQUIRED_CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": check_database,
    "broker": check_broker,
    "signing_key": check_signing_key,
}


# --- Worker heartbeat ------------------------------------------------------------


def heartbeat_record() -> None:
    cache.set(HEARTBEAT_CACHE_KEY, timezone.now().timestamp(), timeout=None)


def heartbeat_age() -> float | None:
    """Seconds since a worker last wrote its heartbeat, or ``None`` if none ever did (or the cache failed)."""
    try:
        stamp = cache.get(HEARTBEAT_CACHE_KEY)
    except Exception:
        return None
    return None if stamp is None else max(0.0, timezone.now().timestamp() - float(stamp))


@shared_task(name=HEARTBEAT_TASK, ignore_result=True, expires=60)
def worker_heartbeat() -> None:
    """Queued by beat: proves that beat, the broker and at least one worker all work."""
    heartbeat_record()


@signals.worker_ready.connect
def _heartbeat_on_start(**_: Any) -> None:
    try:
        heartbeat_record()
    except Exception:
        # A cache outage must not keep the worker from starting.
        return
