"""A real worker: the request id travels in task headers, lines are JSON, task metrics are served."""

from __future__ import annotations

import json
import socket
import urllib.request

import pytest

from certsvc.celery import app
from certsvc.health import HEARTBEAT_TASK, heartbeat_age
from certsvc.logging import request_id_var
from tests.ops.conftest import parse_samples
from tests.services import running_worker, subprocess_env, wait_until

pytestmark = pytest.mark.worker


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def json_lines(lines: list[str]) -> list[dict]:
    return [json.loads(line) for line in lines if line.startswith("{")]


@pytest.fixture
def json_worker(transactional_db, redis_broker, tmp_path, settings):
    port = free_port()
    env = subprocess_env(
        LOG_FORMAT="json",
        WORKER_METRICS_PORT=str(port),
        WORKER_METRICS_ADDR="127.0.0.1",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"),
        CACHE_URL=settings.CACHE_URL,
    )
    with running_worker(env=env, concurrency=2) as worker:
        worker.metrics_url = f"http://127.0.0.1:{port}/metrics"
        yield worker


def test_the_request_id_of_the_publishing_request_appears_in_the_task_log(json_worker):
    token = request_id_var.set("req-4711.border")
    try:
        app.send_task("certsvc.ping", args=["border"])
    finally:
        request_id_var.reset(token)

    def succeeded():
        return [
            line
            for line in json_lines(json_worker.lines)
            if "certsvc.ping" in line["message"] and "succeeded" in line["message"]
        ]

    (line,) = wait_until(succeeded, timeout=30, message="the ping task to succeed")
    assert line["request_id"] == "req-4711.border"
    assert {"time", "level", "logger"} <= set(line)


def test_worker_log_lines_are_json_from_ready_on(json_worker):
    app.send_task("certsvc.ping", args=["x"])
    wait_until(lambda: any("succeeded" in line for line in json_worker.lines), message="the ping to finish")
    # Before "ready" Celery prints its banner (not a log record) to the terminal.
    lines = [line for line in json_worker.lines if line.strip()]
    ready = next(i for i, line in enumerate(lines) if " ready." in line)
    records = [json.loads(line) for line in lines[ready:]]
    assert records[0]["logger"] == "celery.apps.worker"
    assert any("certsvc.ping" in record["message"] for record in records)


def test_the_worker_serves_task_metrics_from_its_pool_processes(json_worker):
    for value in ("a", "b", "c"):
        app.send_task("certsvc.ping", args=[value])
    key = ("certsvc_celery_tasks_total", (("outcome", "success"), ("task", "certsvc.ping")))

    def three_counted():
        with urllib.request.urlopen(json_worker.metrics_url, timeout=5) as response:  # noqa: S310  http to the local worker
            return parse_samples(response.read().decode()).get(key) == 3

    wait_until(three_counted, timeout=30, message="three successful pings in the worker metrics")


def test_the_heartbeat_task_marks_a_worker_as_seen(json_worker, settings):
    if settings.CACHE_URL.startswith("locmem"):
        pytest.skip("the heartbeat is shared through the cache: needs CACHE_URL=redis://…")
    app.send_task(HEARTBEAT_TASK)
    wait_until(lambda: heartbeat_age() is not None and heartbeat_age() < 30, message="a worker heartbeat")
