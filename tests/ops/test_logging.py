"""JSON log lines: request id from the middleware, safe incoming ids only, secrets redacted."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import uuid

import pytest
from celery import signals

from certsvc.celery import ping
from certsvc.logging import REDACTED, logging_config, request_id_var

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines(settings):
    """Applies the production (JSON) logging configuration; returns the lines its handler wrote."""
    logging.config.dictConfig(logging_config(fmt="json", level="INFO"))
    buffer = io.StringIO()
    (handler,) = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler) and not type(h).__name__.startswith("LogCapture")
    ]
    handler.setStream(buffer)

    def read() -> list[dict]:
        return [json.loads(line) for line in buffer.getvalue().splitlines()]

    yield read
    logging.config.dictConfig(settings.LOGGING)


def request_line(lines: list[dict], path: str) -> dict:
    return next(line for line in lines if line["logger"] == "certsvc.request" and line["path"] == path)


def test_each_request_logs_one_json_line_with_the_response_request_id(client, json_lines):
    response = client.get("/.well-known/jwks.json")
    lines = json_lines()
    line = request_line(lines, "/.well-known/jwks.json")
    assert line["request_id"] == response["X-Request-ID"]
    assert uuid.UUID(line["request_id"]).version == 4
    assert line["level"] == "INFO"
    assert line["status"] == 200
    assert line["method"] == "GET"
    assert {"time", "message", "duration_ms"} <= set(line)


def test_a_safe_incoming_request_id_is_kept(client, json_lines):
    response = client.get("/.well-known/jwks.json", HTTP_X_REQUEST_ID="lb-7f3a.01_x")
    assert response["X-Request-ID"] == "lb-7f3a.01_x"
    assert request_line(json_lines(), "/.well-known/jwks.json")["request_id"] == "lb-7f3a.01_x"


@pytest.mark.parametrize("incoming", ["has space", "x" * 65, "a\nb", "<script>", "é"])
def test_an_unsafe_incoming_request_id_is_replaced(client, json_lines, incoming):
    response = client.get("/.well-known/jwks.json", HTTP_X_REQUEST_ID=incoming)
    replaced = response["X-Request-ID"]
    assert replaced != incoming
    assert uuid.UUID(replaced).version == 4
    assert request_line(json_lines(), "/.well-known/jwks.json")["request_id"] == replaced


def test_a_password_passed_in_extra_is_redacted(json_lines):
    logging.getLogger("certsvc.test").info(
        "login for %(user)s",
        {"user": "ali", "api_token": "tok-123"},
        extra={"password": "hunter2", "context": {"Authorization": "Token abc", "org": 5}},
    )
    (line,) = [line for line in json_lines() if line["logger"] == "certsvc.test"]
    assert line["message"] == "login for ali"
    assert line["password"] == REDACTED
    assert line["context"] == {"Authorization": REDACTED, "org": 5}
    text = json.dumps(line)
    for secret in ("hunter2", "Token abc", "tok-123"):
        assert secret not in text


def test_lines_outside_a_request_have_no_request_id(json_lines):
    logging.getLogger("certsvc.test").warning("outside")
    (line,) = [line for line in json_lines() if line["logger"] == "certsvc.test"]
    assert line["request_id"] == "-"


def test_text_format_stays_available():
    config = logging_config(fmt="text", level="INFO")
    assert config["handlers"]["console"]["formatter"] == "text"
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        logging_config(fmt="xml", level="INFO")


def test_a_task_run_eagerly_inside_a_request_keeps_and_restores_its_request_id():
    seen: list[str | None] = []

    def record(**kwargs):
        seen.append(request_id_var.get())

    signals.task_success.connect(record, weak=False)
    token = request_id_var.set("outer-request")
    try:
        ping.apply(args=["x"])
        assert request_id_var.get() == "outer-request"
    finally:
        request_id_var.reset(token)
        signals.task_success.disconnect(record)
    assert seen == ["outer-request"]
