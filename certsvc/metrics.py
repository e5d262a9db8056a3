"""Prometheus metrics: ``/metrics`` on the web, task metrics from the workers.

Web: django-prometheus counts requests and latency by view and instruments the database
backend; ``DomainCollector`` adds a few gauges computed from PostgreSQL at scrape time.
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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from celery import signals
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

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
    """``None`` when the scraper may read metrics: right bearer token, allowed address, or local in DEBUG."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(header.encode(), f"Bearer {token}".encode()):
        return None
    address = request.META.get("REMOTE_ADDR", "")
    if _address_allowed(address, settings.METRICS_ALLOWED_IPS):
        return None
    if not token and not settings.METRICS_ALLOWED_IPS and settings.DEBUG and _is_loopback(address):
        return None
    if token:
        response = HttpResponse("authentication required\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse("forbidden\n", status=403, content_type="text/plain")


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
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


# --- Domain gauges, computed at scrape time ----------------------------------------


def _age_seconds(moment) -> float:
    from django.utils import timezone

    return max(0.0, (timezone.now() - moment).total_seconds()) if moment else 0.0


class DomainCollector(Collector):
    """A handful of indexed counts and ``min()`` queries; each scrape costs about ten queries."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            yield from self._collect()
        except Exception:
            # A database outage shows as readiness failing; metrics still answer with what they have.
            logger.warning("domain metrics unavailable", exc_info=True)

    def _collect(self) -> Iterator[GaugeMetricFamily]:
        from certificates.applications.models import Application
        from certificates.issuance.models import Certificate

        yield _by_label("certsvc_applications", "Applications by status.", "status", Application, "status")
        yield _by_label("certsvc_certificates", "Certificates by status.", "status", Certificate, "status")
        yield from _verifications()
        yield from _issuance()
        yield from _notifications()
        yield from _transparency()
        yield from _worker()


def _by_label(
    name: str, documentation: str, label: str, model, field: str, choices=None
) -> GaugeMetricFamily:
    from django.db.models import Count

    family = GaugeMetricFamily(name, documentation, labels=[label])
    counts = dict(model.objects.order_by().values_list(field).annotate(n=Count("pk")))
    names = choices if choices is not None else [value for value, _ in model._meta.get_field(field).choices]
    for value in sorted(set(names) | set(counts)):
        family.add_metric([value], counts.get(value, 0))
    return family


def _verifications() -> Iterator[GaugeMetricFamily]:
    from django.apps import apps

    try:
        model = apps.get_model("certificates", "Verification")
    except LookupError:
        return
    yield _by_label(
        "certsvc_verifications", "Recorded verifications by result.", "result", model, "status", choices=[]
    )


def _issuance() -> Iterator[GaugeMetricFamily]:
    from django.db.models import Min

    from certificates.issuance.models import IssuanceOrder

    yield _by_label("certsvc_issuance_orders", "Issuance orders by state.", "state", IssuanceOrder, "state")
    oldest = IssuanceOrder.objects.filter(state=IssuanceOrder.State.PENDING).aggregate(at=Min("created_at"))
    yield GaugeMetricFamily(
        "certsvc_issuance_backlog_oldest_seconds",
        "Age of the oldest pending issuance order (0 when none is pending).",
        value=_age_seconds(oldest["at"]),
    )


def _notifications() -> Iterator[GaugeMetricFamily]:
    from django.db.models import Min

    from certificates.notifications.models import (
        DeliveryStatus,
        EmailNotification,
        WebhookDelivery,
        WebhookEndpoint,
    )

    family = GaugeMetricFamily(
        "certsvc_notification_backlog_oldest_seconds",
        "Age of the oldest pending notification delivery (0 when none is pending).",
        labels=["channel"],
    )
    for channel, model in (("webhook", WebhookDelivery), ("email", EmailNotification)):
        oldest = model.objects.filter(status=DeliveryStatus.PENDING).aggregate(at=Min("created_at"))
        family.add_metric([channel], _age_seconds(oldest["at"]))
    yield family
    yield GaugeMetricFamily(
        "certsvc_webhook_endpoints_disabled",
        "Webhook endpoints disabled after repeated failures.",
        value=WebhookEndpoint.objects.filter(disabled_at__isnull=False).count(),
    )


def _transparency() -> Iterator[GaugeMetricFamily]:
    from signing.transparency.models import Checkpoint, LogHead

    head = LogHead.objects.filter(pk=LogHead.SINGLETON_ID).first()
    size = head.tree_size if head else 0
    yield GaugeMetricFamily("certsvc_transparency_log_size", "Leaves in the transparency log.", value=size)
    latest = Checkpoint.objects.order_by("-tree_size").first()
    yield GaugeMetricFamily(
        "certsvc_transparency_checkpoint_lag",
        "Leaves appended since the latest signed checkpoint.",
        value=size - (latest.tree_size if latest else 0),
    )
    yield GaugeMetricFamily(
        "certsvc_transparency_checkpoint_age_seconds",
        "Age of the latest signed checkpoint (0 when there is none).",
        value=_age_seconds(latest.timestamp if latest else None),
    )


def _worker() -> Iterator[GaugeMetricFamily]:
    from certsvc.health import heartbeat_age

    age = heartbeat_age()
    yield GaugeMetricFamily(
        "certsvc_worker_heartbeat_age_seconds",
        "Seconds since a worker last recorded its heartbeat (-1 when none was ever seen).",
        value=-1 if age is None else age,
    )


DOMAIN_REGISTRY = CollectorRegistry(auto_describe=False)
DOMAIN_REGISTRY.register(DomainCollector())


# --- Celery task metrics -----------------------------------------------------------

TASKS = Counter("certsvc_celery_tasks", "Celery task executions by outcome.", ["task", "outcome"])
TASK_DURATION = Histogram(
    "certsvc_celery_task_duration_seconds",
    "Run time of Celery tasks.",
    ["task"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
_started: dict[str, float] = {}


def _task_name(sender, task=None) -> str:
    task = task or sender
    return getattr(task, "name", None) or str(sender)


@signals.task_prerun.connect
def _task_started(task_id=None, task=None, **_: Any) -> None:
    _started[task_id] = time.monotonic()


@signals.task_postrun.connect
def _task_finished(task_id=None, task=None, state=None, **_: Any) -> None:
    started = _started.pop(task_id, None)
    name = _task_name(task)
    if started is not None:
        TASK_DURATION.labels(task=name).observe(time.monotonic() - started)
    if state == "SUCCESS":
        TASKS.labels(task=name, outcome="success").inc()


@signals.task_retry.connect
def _task_retried(sender=None, **_: Any) -> None:
    TASKS.labels(task=_task_name(sender), outcome="retry").inc()


@signals.task_failure.connect
def _task_failed(sender=None, **_: Any) -> None:
    TASKS.labels(task=_task_name(sender), outcome="failure").inc()


@signals.worker_init.connect
def _serve_worker_metrics(**_: Any) -> None:
    """Start the worker's own scrape endpoint when ``WORKER_METRICS_PORT`` is set."""
    port = settings.WORKER_METRICS_PORT
    if not port:
        return
    from prometheus_client import start_http_server

    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    registry = REGISTRY
    if directory:
        _empty_directory(Path(directory))
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    start_http_server(port, addr=settings.WORKER_METRICS_ADDR, registry=registry)


def _empty_directory(directory: Path) -> None:
    # Files left by a previous run would be added to this run's counters.
    directory.mkdir(parents=True, exist_ok=True)
    for child in directory.iterdir():
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()


@signals.worker_process_shutdown.connect
def _child_exited(pid=None, **_: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR") and pid:
        multiprocess.mark_process_dead(pid)
