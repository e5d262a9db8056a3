"""Structured logs: one JSON object per line, each carrying the request id, with secrets redacted.

The request id lives in a context variable: the web middleware sets it for a request, the
Celery hooks below carry it in task headers and restore it in the worker, and a logging
filter copies it onto every record. ``LOG_FORMAT=text`` keeps a plain format for local runs.

This module is imported by ``certsvc.settings``: it must not import Django models.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

from celery import Task, signals
from django.conf import settings
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

REQUEST_ID_HEADER = "X-Request-ID"
# Incoming ids are echoed into logs and headers: only short, harmless characters are trusted.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
TASK_HEADER = "request_id"

SENSITIVE_WORDS = ("password", "passwd", "token", "secret", "authorization", "kek", "private", "cookie")
REDACTED = "[redacted]"

# Attributes every LogRecord has; anything else on a record came from ``extra``.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}


def request_id_from_header(value: str | None) -> str:
    """The caller's id when it is safe to echo, else a fresh UUID4."""
    if value and _SAFE_REQUEST_ID.fullmatch(value):
        return value
    return str(uuid.uuid4())


def is_sensitive(key: str) -> bool:
    lowered = key.lower()
    return any(word in lowered for word in SENSITIVE_WORDS)


def redact(value: Any, depth: int = 0) -> Any:
    """A copy of ``value`` with the values of sensitive keys replaced, nested up to a few levels."""
    if depth > 4:
        return value
    if isinstance(value, dict):
        return {
            key: REDACTED if isinstance(key, str) and is_sensitive(key) else redact(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(redact(item, depth + 1) for item in value)
    return value


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get() or "-"
        return True


class RedactingFilter(logging.Filter):
    """Blanks sensitive keys passed in ``extra`` or in a mapping of ``%``-style arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key in list(vars(record)):
            if key in _RECORD_ATTRIBUTES:
                continue
            record.__dict__[key] = REDACTED if is_sensitive(key) else redact(record.__dict__[key])
        if isinstance(record.args, dict):
            record.args = redact(record.args)
        elif isinstance(record.args, tuple):
            record.args = tuple(redact(arg) for arg in record.args)
        return True


class JsonFormatter(_JsonFormatter):
    """``time``, ``level``, ``logger``, ``message``, ``request_id``, then whatever ``extra`` held."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", False)
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
LOG_FORMATS = ("json", "text")

_FILTERS = {
    "request_id": {"()": "certsvc.logging.RequestIdFilter"},
    "redact": {"()": "certsvc.logging.RedactingFilter"},
}
_FORMATTERS = {
    "json": {"()": "certsvc.logging.JsonFormatter"},
    "text": {"format": TEXT_FORMAT},
}
_QUIETED_LOGGERS = {
    "django.db.backends": {"level": "WARNING"},
    # PDF font subsetting reports every pruned table at INFO: one screen per certificate.
    "fontTools": {"level": "WARNING"},
}


def logging_config(*, fmt: str, level: str) -> dict[str, Any]:
    """The ``LOGGING`` dict for settings: JSON or text lines on stderr, request id and redaction on both."""
    if fmt not in LOG_FORMATS:
        raise ValueError(f"LOG_FORMAT must be 'json' or 'text', got {fmt!r}")
    console = {"class": "logging.StreamHandler", "formatter": fmt, "filters": list(_FILTERS)}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": _FILTERS,
        "formatters": _FORMATTERS,
        "handlers": {"console": console},
        "root": {"handlers": ["console"], "level": level},
        "loggers": _QUIETED_LOGGERS,
    }


# --- Celery: carry the request id into tasks, and JSON lines in the worker -----------------


@signals.before_task_publish.connect
def _put_request_id_in_headers(headers: dict[str, Any] | None = None, **_: Any) -> None:
    request_id = request_id_var.get()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


def _task_request_id(task: Task[Any, Any] | None) -> str | None:
    request = getattr(task, "request", None)
    if request is None:
        return None
    value = getattr(request, TASK_HEADER, None) or (getattr(request, "headers", None) or {}).get(TASK_HEADER)
    return value if isinstance(value, str) and _SAFE_REQUEST_ID.fullmatch(value) else None


_tokens: dict[str, Token[str | None]] = {}


@signals.task_prerun.connect
def _restore_request_id(task_id: str | None = None, task: Task[Any, Any] | None = None, **_: Any) -> None:
    # Run eagerly inside a request, a task keeps that request's id; a task without one (beat,
    # sweeps) gets its own, so that its lines still group together.
    request_id = _task_request_id(task) or request_id_var.get() or str(uuid.uuid4())
    _tokens[task_id or ""] = request_id_var.set(request_id)


@signals.task_postrun.connect
def _clear_request_id(task_id: str | None = None, **_: Any) -> None:
    token = _tokens.pop(task_id or "", None)
    if token is not None:
        request_id_var.reset(token)


def _use_our_format(logger: logging.Logger, **_: Any) -> None:
    """Celery installs its own handlers in the worker; give them our filters, and JSON when asked."""
    fmt = getattr(settings, "LOG_FORMAT", "text")
    for handler in logger.handlers:
        handler.addFilter(RequestIdFilter())
        handler.addFilter(RedactingFilter())
        if fmt == "json":
            handler.setFormatter(JsonFormatter())


signals.after_setup_logger.connect(_use_our_format, weak=False)
signals.after_setup_task_logger.connect(_use_our_format, weak=False)
