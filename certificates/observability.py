"""What certificates adds to the kernel's ``/metrics``: applications, certificates, verifications, orders."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Min
from prometheus_client.core import GaugeMetricFamily, Metric

from certificates.applications.models import Application
from certificates.issuance.models import Certificate, IssuanceOrder
from certificates.verification.models import Verification
from certsvc.metrics import age_seconds, collector_register, gauge_by_label


def certificate_gauges() -> Iterator[Metric]:
    """Rows by status: the three counts an officer's dashboard starts from."""
    yield gauge_by_label(
        "certsvc_applications",
        "Applications by status.",
        label="status",
        model=Application,
        field="status",
        values=Application.Status.values,
    )
    yield gauge_by_label(
        "certsvc_certificates",
        "Certificates by status.",
        label="status",
        model=Certificate,
        field="status",
        values=Certificate.Status.values,
    )
    # Results are whatever the checks answered: only those seen so far get a sample.
    yield gauge_by_label(
        "certsvc_verifications",
        "Recorded verifications by result.",
        label="result",
        model=Verification,
        field="status",
    )


def issuance_gauges() -> Iterator[Metric]:
    yield gauge_by_label(
        "certsvc_issuance_orders",
        "Issuance orders by state.",
        label="state",
        model=IssuanceOrder,
        field="state",
        values=IssuanceOrder.State.values,
    )
    oldest = IssuanceOrder.objects.filter(state=IssuanceOrder.State.PENDING).aggregate(at=Min("created_at"))
    yield GaugeMetricFamily(
        "certsvc_issuance_backlog_oldest_seconds",
        "Age of the oldest pending issuance order (0 when none is pending).",
        value=age_seconds(oldest["at"]),
    )


def register() -> None:
    collector_register("certificates", certificate_gauges)
    collector_register("issuance", issuance_gauges)
