"""/healthz answers without dependencies; /readyz names each dependency and fails on the required ones."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certsvc.health import heartbeat_record
from signing.models import SigningKey

pytestmark = pytest.mark.django_db

METRICS_TOKEN = "readyz-details-token"


@pytest.fixture(autouse=True)
def _internal_network(settings):
    """The orchestrator probes from the internal network, which may read the details."""
    settings.METRICS_ALLOWED_IPS = ["127.0.0.0/8"]


def test_healthz_answers_ok_without_touching_the_database(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert len(queries) == 0


def test_probes_ignore_the_public_host_name_check(client, settings):
    settings.ALLOWED_HOSTS = ["certs.example.org"]
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200


def test_readyz_is_green_with_database_broker_and_an_active_key(client, signing_key, redis_broker):
    response = client.get("/readyz")
    body = response.json()
    assert {name: check["status"] for name, check in body["checks"].items() if name != "worker"} == {
        "database": "ok",
        "broker": "ok",
        "signing_key": "ok",
    }
    registry = SigningKey.objects.get(status=SigningKey.Status.ACTIVE, issuer_country="")
    assert body["checks"]["signing_key"]["kid"] == registry.kid  # the registry's, beside each body's
    assert body["checks"]["signing_key"]["bodies"] == [signing_key.issuer_country]
    assert response.status_code == 200


def test_readyz_is_degraded_but_up_when_no_worker_was_seen(client, signing_key, redis_broker):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["worker"] == {"status": "unknown", "last_seen_seconds_ago": None}


def test_readyz_is_ok_after_a_recent_worker_heartbeat(client, signing_key, redis_broker):
    heartbeat_record()
    body = client.get("/readyz").json()
    assert body["status"] == "ok"
    assert body["checks"]["worker"]["status"] == "ok"
    assert body["checks"]["worker"]["last_seen_seconds_ago"] < 5


def test_readyz_reports_a_stale_worker_heartbeat(client, signing_key, settings):
    heartbeat_record()
    settings.WORKER_HEARTBEAT_MAX_AGE = -1
    body = client.get("/readyz").json()
    assert body["checks"]["worker"]["status"] == "stale"


def test_readyz_fails_naming_the_broker_when_it_is_unreachable(client, signing_key, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["broker"]["status"] == "fail"
    assert body["checks"]["database"]["status"] == "ok"
    assert "127.0.0.1:1" not in response.content.decode()


def test_readyz_fails_naming_the_signing_key_when_no_registry_key_is_active(client, signing_key):
    SigningKey.objects.filter(issuer_country="").update(status=SigningKey.Status.RETIRED)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["signing_key"] == {
        "status": "fail",
        "error": "NoActiveKey",
        "duration_ms": response.json()["checks"]["signing_key"]["duration_ms"],
    }


def test_readyz_output_holds_no_secrets(client, signing_key, settings):
    body = client.get("/readyz").content.decode()
    for secret in (settings.SECRET_KEY, settings.SIGNING_KEK, settings.DATABASES["default"]["PASSWORD"]):
        if secret:
            assert secret not in body


def test_fifty_readyz_hits_within_the_window_run_each_check_once(client, signing_key, monkeypatch):
    from certsvc import health

    runs = {"database": 0, "broker": 0}

    def counted(name):
        def check():
            runs[name] += 1
            return {}

        return check

    monkeypatch.setitem(health._REQUIRED_CHECKS, "database", counted("database"))
    monkeypatch.setitem(health._REQUIRED_CHECKS, "broker", counted("broker"))
    statuses = {client.get("/readyz").status_code for _ in range(50)}
    assert statuses == {200}
    assert runs == {"database": 1, "broker": 1}
    health.readiness_recent_forget()
    client.get("/readyz")
    assert runs == {"database": 2, "broker": 2}


def _broker_down(settings, monkeypatch):
    from certsvc import health

    def refused():
        raise ConnectionRefusedError("redis://:hunter2@10.0.0.9:6379 refused")

    monkeypatch.setitem(health._REQUIRED_CHECKS, "broker", refused)


def test_public_callers_get_the_status_alone(client, signing_key, settings, monkeypatch):
    settings.METRICS_ALLOWED_IPS = []
    settings.METRICS_TOKEN = METRICS_TOKEN
    _broker_down(settings, monkeypatch)
    response = client.get("/readyz", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 503
    assert response.json() == {"status": "fail"}
    assert b"broker" not in response.content


def test_the_metrics_token_or_an_internal_address_reads_which_check_failed(
    client, signing_key, settings, monkeypatch
):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    settings.METRICS_TOKEN = METRICS_TOKEN
    _broker_down(settings, monkeypatch)
    with_token = client.get(
        "/readyz", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION=f"Bearer {METRICS_TOKEN}"
    )
    internal = client.get("/readyz", REMOTE_ADDR="10.1.2.3")
    wrong_token = client.get("/readyz", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION="Bearer nope")
    for response in (with_token, internal):
        assert response.status_code == 503
        assert response.json()["checks"]["broker"] == {
            "status": "fail",
            "error": "ConnectionRefusedError",
            "duration_ms": response.json()["checks"]["broker"]["duration_ms"],
        }
    assert wrong_token.json() == {"status": "fail"}
