"""The kernel's registries: apps add their readiness checks and scrape-time gauges to the kernel's."""

from __future__ import annotations

import logging

import pytest
from prometheus_client.core import GaugeMetricFamily

from certsvc import health, metrics
from signing.services import signing_key_ensure_active

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _internal_network(settings):
    """Probes from the internal network read each check's entry."""
    settings.METRICS_ALLOWED_IPS = ["127.0.0.0/8"]


class LedgerGone(Exception):
    pass


@pytest.fixture
def checks(monkeypatch):
    """The registered readiness checks, restored after the test."""
    monkeypatch.setattr(health, "_REQUIRED_CHECKS", dict(health._REQUIRED_CHECKS))


@pytest.fixture
def sources(monkeypatch):
    """The registered metrics sources, restored after the test."""
    monkeypatch.setattr(metrics, "_SOURCES", dict(metrics._SOURCES))


def test_readyz_runs_the_kernel_checks_then_those_of_the_apps_then_the_worker(client):
    signing_key_ensure_active()
    body = client.get("/readyz").json()
    assert list(body["checks"]) == ["database", "broker", "signing_key", "worker"]
    assert body["checks"]["signing_key"]["status"] == "ok"


def test_a_registered_check_is_reported_with_what_it_returns(client, checks):
    signing_key_ensure_active()
    health.readiness_check_register("ledger", lambda: {"height": 42})
    entry = client.get("/readyz").json()["checks"]["ledger"]
    assert entry["status"] == "ok"
    assert entry["height"] == 42
    assert entry["duration_ms"] >= 0


def test_a_registered_check_that_raises_fails_readiness_naming_only_the_exception_class(client, checks):
    def ledger() -> dict:
        raise LedgerGone("password=hunter2 at ledger.internal:5432")

    health.readiness_check_register("ledger", ledger)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["ledger"]["error"] == "LedgerGone"
    assert "hunter2" not in response.content.decode()


def test_registering_a_check_name_again_replaces_the_check(client, checks):
    signing_key_ensure_active()
    health.readiness_check_register("ledger", lambda: {"version": 1})
    health.readiness_check_register("ledger", lambda: {"version": 2})
    body = client.get("/readyz").json()
    assert body["checks"]["ledger"]["version"] == 2
    assert list(body["checks"]).count("ledger") == 1


def test_a_registered_metrics_source_is_scraped(scrape, sources):
    metrics.collector_register(
        "ledger", lambda: [GaugeMetricFamily("certsvc_ledger_height", "Height.", value=42)]
    )
    assert scrape()[("certsvc_ledger_height", ())] == 42


def test_a_failing_metrics_source_is_left_out_and_the_others_still_answer(scrape, sources, caplog):
    def broken():
        raise LedgerGone("the database is down")

    metrics.collector_register("ledger", broken)
    with caplog.at_level(logging.WARNING, logger="certsvc.metrics"):
        samples = scrape()
    assert ("certsvc_worker_heartbeat_age_seconds", ()) in samples
    assert any(name == "certsvc_applications" for name, _ in samples)
    assert "metrics of ledger unavailable" in caplog.text
