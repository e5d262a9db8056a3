"""What the transparency log adds to the kernel's ``/metrics``: its size and how far checkpoints lag."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric

from certsvc.metrics import age_seconds, collector_register
from signing.transparency.models import Checkpoint, LogHead
from signing.transparency.witnesses import witnesses_cosigned_sizes


def transparency_gauges() -> Iterator[Metric]:
    head = LogHead.objects.filter(pk=LogHead.SINGLETON_ID).first()
    size = head.tree_size if head else 0
    latest = Checkpoint.objects.order_by("-tree_size").first()
    yield GaugeMetricFamily("certsvc_transparency_log_size", "Leaves in the transparency log.", value=size)
    yield GaugeMetricFamily(
        "certsvc_transparency_checkpoint_lag",
        "Leaves appended since the latest signed checkpoint.",
        value=size - (latest.tree_size if latest else 0),
    )
    yield GaugeMetricFamily(
        "certsvc_transparency_checkpoint_age_seconds",
        "Age of the latest signed checkpoint (0 when there is none).",
        value=age_seconds(latest.timestamp if latest else None),
    )
    yield _witness_lag(size)


def _witness_lag(size: int) -> Metric:
    """Per active witness: leaves it has not cosigned yet (the whole tree when it never cosigned)."""
    lag = GaugeMetricFamily(
        "certsvc_transparency_witness_lag",
        "Tree size minus the largest tree size the witness cosigned.",
        labels=["witness"],
    )
    for witness in witnesses_cosigned_sizes().filter(active=True):
        lag.add_metric([witness.name], size - (getattr(witness, "cosigned_size", None) or 0))
    return lag


def register() -> None:
    collector_register("transparency", transparency_gauges)
