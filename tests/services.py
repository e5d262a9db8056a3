"""Real services for integration tests: PostgreSQL, Redis and Celery worker processes.

Under ``CI=true`` a missing service fails the test; on a developer's machine it skips.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(condition: bool, what: str) -> None:
    if condition:
        return
    if in_ci():
        pytest.fail(f"{what} is required in CI but is not available", pytrace=False)
    pytest.skip(f"{what} is not available")


def require_postgres() -> None:
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://…)")


def redis_url() -> str | None:
    url = settings.CELERY_BROKER_URL
    return url if url.startswith("redis://") else None


def require_redis() -> str:
    url = redis_url()
    require(url is not None and _redis_answers(url), "Redis (CELERY_BROKER_URL=redis://…)")
    return url  # type: ignore[return-value]


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def database_url_for_subprocess() -> str:
    """The URL of the database the test is using (pytest-django's ``test_*`` database)."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url_for_subprocess(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        CERTSVC_TESTING="true",
        VAR_DIR=str(settings.VAR_DIR),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


NOTIFICATIONS_QUEUE = "notifications"
PDF_QUEUE = "pdf"


class WorkerProcess:
    """A real ``celery worker`` process; its log is kept for assertions and failure reports."""

    def __init__(
        self,
        *,
        concurrency: int = 1,
        pool: str = "prefork",
        env: dict[str, str] | None = None,
        queues: str = "celery,notifications,pdf",
        name: str = "celery",
    ):
        # Every queue by default, so a test with one worker sees signing, PDFs and notifications alike.
        self.command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "certsvc",
            "worker",
            "--loglevel",
            "INFO",
            "--pool",
            pool,
            "--concurrency",
            str(concurrency),
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--queues",
            queues,
            "--hostname",
            f"{name}@%h",
        ]
        self.env = env or subprocess_env()
        self.lines: list[str] = []
        self.process: subprocess.Popen | None = None
        self._ready = threading.Event()

    def start(self, timeout: float = 60) -> WorkerProcess:
        self._ready.clear()
        self.process = subprocess.Popen(
            self.command,
            cwd=BASE_DIR,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._pump, args=(self.process,), daemon=True).start()
        if not self._ready.wait(timeout):
            self.stop()
            raise RuntimeError("Celery worker did not become ready:\n" + self.log)
        return self

    def _pump(self, process: subprocess.Popen) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.lines.append(line)
            if " ready." in line:
                self._ready.set()

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children), as a crash would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    @property
    def log(self) -> str:
        return "".join(self.lines)


def purge_broker() -> None:
    from certsvc.celery import app

    with app.connection_for_write() as conn:
        app.control.purge(connection=conn)
        # The routed queues are not among the app's default queues, which purge() empties.
        conn.default_channel.queue_purge(NOTIFICATIONS_QUEUE)
        conn.default_channel.queue_purge(PDF_QUEUE)


@contextmanager
def running_worker(**kwargs) -> Iterator[WorkerProcess]:
    purge_broker()
    worker = WorkerProcess(**kwargs).start()
    try:
        yield worker
    finally:
        worker.stop()


def wait_until(predicate, *, timeout: float = 30, interval: float = 0.1, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


@contextmanager
def publishing_to(url: str) -> Iterator[None]:
    """Point this process's Celery publisher (and so every ``on_commit`` publish) at ``url``, then back.

    kombu keeps connection and producer pools in process-wide registries keyed by URL;
    they are reset on each switch so that no closed pool is handed out afterwards.
    """
    from certsvc.celery import app

    previous = (app.conf.broker_url, app.conf.broker_read_url, app.conf.broker_write_url)
    _switch_broker(app, url, url, url)
    try:
        yield
    finally:
        _switch_broker(app, *previous)


def _switch_broker(app, url: str, read_url: str | None, write_url: str | None) -> None:
    import kombu.pools

    app.conf.broker_url, app.conf.broker_read_url, app.conf.broker_write_url = url, read_url, write_url
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def unreachable_broker_connection():
    """A connection to a closed port, as if the broker were down."""
    from certsvc.celery import app

    return app.connection_for_write("redis://127.0.0.1:1/0")
