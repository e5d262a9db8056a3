"""Prometheus metrics: ``/metrics`` on the web, task metrics from the workers.

Web: django-prometheus counts requests and latency by view and instruments the database
backend; the gauges computed from the database at scrape time come from the apps, each
registering its own from ``AppConfig.ready()`` with ``collector_register`` (the kernel adds
the worker heartbeat's age), so that the kernel imports no app.
Workers: Celery signals feed task counters and a latency histogram. A prefork worker runs
its tasks in child processes, so with ``PROMETHEUS_MULTIPROC_DIR`` set the values go through
prometheus_client's multiprocess files and the worker's main process serves them on
``WORKER_METRICS_PORT``. Under gunicorn with several processes the same directory setting
makes ``/metrics`` aggregate every process.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from celery import Task, signals
from django.conf import settings
from django.db.models import Count, Model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from certsvc.health import heartbeat_age

logger = logging.getLogger(__name__)

# prometheus_client writes into this directory from the first metric on; it must exist before.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

# --- /metrics --------------------------------------------------------------------


def metrics_view(request: HttpRequest) -> HttpResponse:
    denied = _deny(request)
    if denied is not None:
        return denied
    body = generate_latest(_process_registry()) + generate_latest(DOMAIN_REGISTRY)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


def _deny(request: HttpRequest) -> HttpResponse | None:
    """``None`` when the scraper may read metrics, else the 401 or 403 to answer."""
    if internal_caller(request):
        return None
    if settings.METRICS_TOKEN:
        response = HttpResponse("authentication required\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse("forbidden\n", status=403, content_type="text/plain")


def internal_caller(request: HttpRequest) -> bool:
    """The right bearer token, an allowed address, or a local scrape in DEBUG with nothing configured."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(header.encode(), f"Bearer {token}".encode()):
        return True
    address = request.META.get("REMOTE_ADDR", "")
    if _address_allowed(address, settings.METRICS_ALLOWED_IPS):
        return True
    unconfigured = not token and not settings.METRICS_ALLOWED_IPS
    return unconfigured and settings.DEBUG and _is_loopback(address)


def _address_allowed(address: str, allowed: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in allowed)


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _process_registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return _multiprocess_registry()
    return REGISTRY


def _multiprocess_registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # untyped in prometheus_client
    return registry


# --- Gauges computed at scrape time, registered by the apps -------------------------

MetricsSource = Callable[[], Iterable[Metric]]
_SOURCES: dict[str, MetricsSource] = {}


def collector_register(name: str, collect: MetricsSource) -> None:
    """Adds the metric families that ``collect`` yields to every scrape of ``/metrics``.

    ``collect`` runs at scrape time and may query the database; keep it to a few indexed
    queries. If it raises, its families are left out of that scrape (with a warning in the
    log) and the other sources still answer. Registering a name again replaces its source.
    """
    _SOURCES[name] = collect


class DomainCollector(Collector):
    """Every registered source, each on its own: one failing source hides no other."""

    def collect(self) -> Iterator[Metric]:
        for name, source in list(_SOURCES.items()):
            yield from _guarded(name, source)


def _guarded(name: str, source: MetricsSource) -> Iterator[Metric]:
    try:
        yield from source()
    except Exception:
        # A database outage shows as readiness failing; metrics still answer with what they have.
        logger.warning("metrics of %s unavailable", name, exc_info=True)


def gauge_by_label(
    name: str, documentation: str, *, label: str, model: type[Model], field: str, values: Iterable[str] = ()
) -> GaugeMetricFamily:
    """Rows of ``model`` counted by ``field``: a sample for each of ``values`` (0 if none), and any other."""
    family = GaugeMetricFamily(name, documentation, labels=[label])
    counts = dict(model._default_manager.order_by().values_list(field).annotate(n=Count("pk")))
    for value in sorted(set(values) | set(counts)):
        family.add_metric([value], counts.get(value, 0))
    return family


def age_seconds(moment: datetime | None) -> float:
    """Seconds since ``moment``; 0 for ``None`` (nothing waiting) and for moments in the future."""
    return max(0.0, (timezone.now() - moment).total_seconds()) if moment else 0.0


def _worker_heartbeat() -> Iterator[Metric]:
    age = heartbeat_age()
    yield GaugeMetricFamily(
        "certsvc_worker_heartbeat_age_seconds",
        "Seconds since a worker last recorded its heartbeat (-1 when none was ever seen).",
        value=-1 if age is None else age,
    )


# No describe() and no auto_describe: registering must not run the sources (no database yet).
DOMAIN_REGISTRY = CollectorRegistry(auto_describe=False)
DOMAIN_REGISTRY.register(DomainCollector())
collector_register("worker", _worker_heartbeat)


# --- Celery task metrics -----------------------------------------------------------

TASKS = Counter("certsvc_celery_tasks", "Celery task executions by outcome.", ["task", "outcome"])
TASK_DURATION = Histogram(
    "certsvc_celery_task_duration_seconds",
    "Run time of Celery tasks.",
    ["task"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
_started: dict[str, float] = {}


def _task_name(task: Task[Any, Any] | str | None) -> str:
    return getattr(task, "name", None) or str(task)


@signals.task_prerun.connect
def _task_started(task_id: str | None = None, **_: Any) -> None:
    _started[task_id or ""] = time.monotonic()


@signals.task_postrun.connect
def _task_finished(
    task_id: str | None = None, task: Task[Any, Any] | None = None, state: str | None = None, **_: Any
) -> None:
    started = _started.pop(task_id or "", None)
    name = _task_name(task)
    if started is not None:
        TASK_DURATION.labels(task=name).observe(time.monotonic() - started)
    if state == "SUCCESS":
        TASKS.labels(task=name, outcome="success").inc()


@signals.task_retry.connect
def _task_retried(sender: Task[Any, Any] | None = None, **_: Any) -> None:
    TASKS.labels(task=_task_name(sender), outcome="retry").inc()


@signals.task_failure.connect
def _task_failed(sender: Task[Any, Any] | None = None, **_: Any) -> None:
    TASKS.labels(task=_task_name(sender), outcome="failure").inc()


@signals.worker_init.connect
def _serve_worker_metrics(**_: Any) -> None:
    """Start the worker's own scrape endpoint when ``WORKER_METRICS_PORT`` is set."""
    port = settings.WORKER_METRICS_PORT
    if not port:
        return
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        _empty_directory(Path(directory))
    start_http_server(port, addr=settings.WORKER_METRICS_ADDR, registry=_process_registry())


def _empty_directory(directory: Path) -> None:
    # Files left by a previous run would be added to this run's counters.
    directory.mkdir(parents=True, exist_ok=True)
    for child in directory.iterdir():
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()


@signals.worker_process_shutdown.connect
def _child_exited(pid: int | None = None, **_: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR") and pid:
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]  # untyped in prometheus_client
