"""Liveness (``/healthz``) and readiness (``/readyz``) probes, and the worker heartbeat behind them.

Readiness fails (503) when something a web request needs is missing. The kernel checks what
it owns, the database and the broker; each app registers the checks for its own needs from
``AppConfig.ready()`` with ``readiness_check_register`` (signing: a usable active key), so
that the kernel imports no app. A silent worker only makes readiness ``degraded`` (still 200):
taking the web replicas out of the load balancer would not bring a worker back, while the API
keeps accepting work that the outbox rows hold until workers return.

``/readyz`` is public and unthrottled (probes come before host validation), while its checks unwrap
the private key and open a broker connection: the report is computed at most once per
``READINESS_CACHE_SECONDS`` in each process. Process-local on purpose: each replica must report its
own database connection and key, and a shared cache would make readiness depend on that cache.
Which check failed, and why, is shown only to callers that may read ``/metrics``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from celery import shared_task, signals
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from kombu import Connection

HEARTBEAT_CACHE_KEY = "certsvc:worker-heartbeat"
HEARTBEAT_TASK = "certsvc.worker_heartbeat"

OK, DEGRADED, FAIL = "ok", "degraded", "fail"
READINESS_CACHE_SECONDS = 2.0

ReadinessCheck = Callable[[], dict[str, Any]]
_REQUIRED_CHECKS: dict[str, ReadinessCheck] = {}


def readiness_check_register(name: str, check: ReadinessCheck) -> None:
    """Makes ``/readyz`` run ``check`` and report it under ``name``, after those registered before.

    The check passes unless it raises; what it returns (a dict, often empty) is added to its
    entry. If it raises, readiness fails and the entry names the exception's class only.
    Registering a name again replaces its check, so a second ``ready()`` adds nothing.
    """
    _REQUIRED_CHECKS[name] = check


def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers; touches nothing else."""
    return JsonResponse({"status": OK})


def readyz(request: HttpRequest) -> JsonResponse:
    from certsvc.metrics import internal_caller  # metrics reads the heartbeat from here

    report = readiness_report_recent()
    body = report if internal_caller(request) else {"status": report["status"]}
    return JsonResponse(body, status=503 if report["status"] == FAIL else 200)


_recent: dict[str, Any] = {"report": None, "at": 0.0}
_recent_lock = threading.Lock()


def readiness_report_recent() -> dict[str, Any]:
    """The report computed within the last ``READINESS_CACHE_SECONDS``, else a new one."""
    with _recent_lock:
        if _recent["report"] is None or time.monotonic() - _recent["at"] >= READINESS_CACHE_SECONDS:
            _recent["report"] = readiness_report()
            _recent["at"] = time.monotonic()
        return dict(_recent["report"])


def readiness_recent_forget() -> None:
    with _recent_lock:
        _recent["report"] = None


def readiness_report() -> dict[str, Any]:
    checks = {name: _timed(check) for name, check in _REQUIRED_CHECKS.items()}
    ready = all(result["status"] == OK for result in checks.values())
    checks["worker"] = check_worker()
    return {"status": _overall(ready=ready, worker=checks["worker"]), "checks": checks}


def _overall(*, ready: bool, worker: dict[str, Any]) -> str:
    if not ready:
        return FAIL
    return OK if worker["status"] == OK else DEGRADED


def _timed(check: ReadinessCheck) -> dict[str, Any]:
    started = time.monotonic()
    try:
        result = {"status": OK, **check()}
    except Exception as exc:
        # The class name only: messages of driver errors can carry host names or credentials.
        result = {"status": FAIL, "error": type(exc).__name__}
    result["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_broker() -> dict[str, Any]:
    timeout = settings.HEALTH_BROKER_TIMEOUT
    with Connection(
        settings.CELERY_BROKER_URL,
        connect_timeout=timeout,
        transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    ) as conn:
        conn.ensure_connection(max_retries=0, timeout=timeout)
    return {}


def check_worker() -> dict[str, Any]:
    """Age of the last heartbeat a worker wrote; ``stale`` past ``WORKER_HEARTBEAT_MAX_AGE``."""
    age = heartbeat_age()
    if age is None:
        return {"status": "unknown", "last_seen_seconds_ago": None}
    fresh = age <= settings.WORKER_HEARTBEAT_MAX_AGE
    return {"status": OK if fresh else "stale", "last_seen_seconds_ago": round(age, 1)}


readiness_check_register("database", check_database)
readiness_check_register("broker", check_broker)


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
