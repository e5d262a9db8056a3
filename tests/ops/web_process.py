"""A real gunicorn process serving the test database, for tests that need a second web process."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.services import subprocess_env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def web_process(**env: str) -> Iterator[str]:
    """Yields the base URL of one sync gunicorn worker, once it answers ``/healthz``."""
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "certsvc.wsgi:application", "--workers=1",
               f"--bind=127.0.0.1:{port}", "--log-level=warning"]  # fmt: skip
    server = subprocess.Popen(command, env=subprocess_env(ALLOWED_HOSTS="127.0.0.1", **env))
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base, server)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=15)


def _wait_for(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            get_json(f"{base}/healthz")
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the web process did not answer")


def get_json(url: str) -> tuple[int, dict[str, str], Any]:
    """Status, headers and decoded body of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"null")


def post_json(url: str, body: dict[str, Any]) -> int:
    request = urllib.request.Request(  # noqa: S310 - loopback
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
