"""`make run`'s command on the embedded default: web and a real worker come up; Ctrl-C stops both."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.services import BASE_DIR


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_json(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback test server
            return json.loads(response.read())
    except (OSError, ValueError):
        return None


@pytest.mark.worker
def test_serve_runs_web_and_worker_on_the_embedded_default_and_stops_on_ctrl_c(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL")}
    env.update(VAR_DIR=str(tmp_path), DEMO_PASSWORD="demo-password-for-the-test", CERTSVC_TESTING="false")
    serve = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--addr", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline, ready = time.monotonic() + 90, None
        while time.monotonic() < deadline and not (ready and ready.get("status") == "ok"):
            ready = get_json(f"http://127.0.0.1:{port}/readyz")
            time.sleep(0.5)
        assert ready is not None, "the web server never answered"
        assert ready["status"] == "ok", ready  # database, broker, signing key and a worker heartbeat
        assert (tmp_path / "certsvc.sqlite3").exists()
        jwks = get_json(f"http://127.0.0.1:{port}/.well-known/jwks.json")
        assert len(jwks["keys"]) == 3  # seed_demo made the registry's and each body's active key
    finally:
        os.killpg(serve.pid, signal.SIGINT)
        output, _ = serve.communicate(timeout=60)
    assert serve.returncode == 0, output
    assert "API docs" in output
    assert "certsvc stopped." in output
    leftover = subprocess.run(
        ["pgrep", "-a", "-s", str(serve.pid)],
        capture_output=True,
        text=True,
        check=False,
    )
    running = [line for line in leftover.stdout.splitlines() if "<defunct>" not in line]
    assert running == [], f"still running after Ctrl-C: {running}"
