"""/metrics: request metrics by view, gauges computed from the database, task metrics, access control."""

from __future__ import annotations

import pytest

from certificates.issuance.models import IssuanceOrder
from certificates.issuance.services import certificate_revoke
from certsvc.celery import ping
from signing.transparency.models import LogLeaf
from tests.applications.factories import ApplicationFactory, api_client_for
from tests.issuance.helpers import approve, issue

pytestmark = pytest.mark.django_db

APPLICATION_LIST = (
    "django_http_requests_total_by_view_transport_method_total",
    (("method", "GET"), ("transport", "http"), ("view", "application-list")),
)


def gauge(samples, name: str, **labels) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


def test_api_requests_are_counted_by_view(scrape, exporter):
    before = scrape().get(APPLICATION_LIST, 0)
    api = api_client_for(exporter)
    for _ in range(3):
        assert api.get("/api/v1/applications/").status_code == 200
    assert scrape()[APPLICATION_LIST] == before + 3


def test_database_queries_are_counted(scrape, exporter):
    key = ("django_db_execute_total", (("alias", "default"), ("vendor", _vendor())))
    before = scrape().get(key, 0)
    api_client_for(exporter).get("/api/v1/applications/")
    assert scrape()[key] > before


def _vendor() -> str:
    from django.db import connection

    return connection.vendor


def test_domain_gauges_count_the_objects_in_the_database(
    scrape, signing_key, officer, exporter, make_submitted
):
    first, second, third = make_submitted(), make_submitted(), make_submitted()
    ApplicationFactory(exporter=exporter.organization, created_by=exporter)
    issued = issue(first, officer)
    replaced = issue(second, officer)
    certificate_revoke(certificate=replaced, actor=officer, reason="goods description was wrong")
    approve(third, officer)

    samples = scrape()
    assert gauge(samples, "certsvc_applications", status="submitted") == 0
    assert gauge(samples, "certsvc_applications", status="draft") == 1
    assert gauge(samples, "certsvc_applications", status="approved") == 1
    assert gauge(samples, "certsvc_applications", status="issued") == 2
    assert gauge(samples, "certsvc_certificates", status="issued") == 1
    assert gauge(samples, "certsvc_certificates", status="revoked") == 1
    assert gauge(samples, "certsvc_certificates", status="superseded") == 0
    assert gauge(samples, "certsvc_issuance_orders", state="done") == 2
    assert gauge(samples, "certsvc_issuance_orders", state="pending") == 1
    # Two issuances and one revocation are logged.
    assert gauge(samples, "certsvc_transparency_log_size") == 3 == LogLeaf.objects.count()
    assert issued.log_index is not None


def test_backlog_age_is_the_age_of_the_oldest_pending_issuance_order(
    scrape, signing_key, officer, make_submitted
):
    import datetime

    from django.utils import timezone

    assert gauge(scrape(), "certsvc_issuance_backlog_oldest_seconds") == 0
    order = approve(make_submitted(), officer)
    IssuanceOrder.objects.filter(pk=order.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    age = gauge(scrape(), "certsvc_issuance_backlog_oldest_seconds")
    assert 3600 <= age < 3660


def test_task_runs_are_counted_by_outcome(scrape):
    key = ("certsvc_celery_tasks_total", (("outcome", "success"), ("task", "certsvc.ping")))
    duration = ("certsvc_celery_task_duration_seconds_count", (("task", "certsvc.ping"),))
    before = scrape()
    assert ping.apply(args=["x"]).get() == "pong:x"
    after = scrape()
    assert after[key] == before.get(key, 0) + 1
    assert after[duration] == before.get(duration, 0) + 1


def test_metrics_without_a_token_are_refused(client, metrics_token):
    response = client.get("/metrics")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"certsvc_" not in response.content


def test_metrics_with_a_wrong_token_are_refused(client, metrics_token):
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token")
    assert response.status_code == 401


def test_metrics_are_refused_when_nothing_is_configured_outside_debug(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = []
    settings.DEBUG = False
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


def test_metrics_are_open_to_local_scrapes_in_debug_without_configuration(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = []
    settings.DEBUG = True
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403


def test_metrics_are_open_to_an_allowed_network(client, settings):
    settings.METRICS_TOKEN = "x" * 20
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.1").status_code == 401
