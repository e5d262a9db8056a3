"""What `make run` prints: the URLs, one shutdown line per worker, and no warnings of kombu's.

Two lines were noise: kombu's "No hostname was supplied" on every connection to a host-less
``filesystem://`` URL, and each worker's warm shutdown twice (SIGINT from the terminal, then
SIGTERM from ``serve``). Ctrl-C is the terminal's SIGINT to the foreground process group.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests.certsvc.test_serve import free_port
from tests.services import BASE_DIR, database_url_for_subprocess, require_postgres

WORKERS_READY = (
    re.compile(r"worker@\S+ ready"),
    re.compile(r"pdf@\S+ ready"),
    re.compile(r"notifier@\S+ ready"),
)
NOISE = ("No hostname was supplied", "Hitting Ctrl+C again")
PRINTED_PATHS = ("/api/docs/", "/api/redoc/", "/api/schema/", "/admin/", "/.well-known/jwks.json")


def _serve(tmp_path, port: int) -> subprocess.Popen[str]:
    """Embedded broker and cache under tmp_path; the test database, migrated already, keeps start-up short."""
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "CACHE_URL")}
    env.update(
        DATABASE_URL=database_url_for_subprocess(),
        VAR_DIR=str(tmp_path),
        CERTSVC_TESTING="false",
        PYTHONUNBUFFERED="1",
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--addr", f"127.0.0.1:{port}", "--no-seed"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def _read_all(process: subprocess.Popen[str], lines: list[str]) -> threading.Thread:
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)  # type: ignore[arg-type]
    reader.start()
    return reader


@pytest.mark.worker
@pytest.mark.django_db
def test_serve_prints_its_urls_and_stops_on_ctrl_c_without_broker_warnings_or_repeated_shutdowns(tmp_path):
    require_postgres()
    port = free_port()
    serve, lines = _serve(tmp_path, port), []
    reader = _read_all(serve, lines)
    started = time.monotonic()
    try:
        while time.monotonic() - started < 90 and not all(p.search("".join(lines)) for p in WORKERS_READY):
            time.sleep(0.2)
        ready_after = time.monotonic() - started
    finally:
        os.killpg(serve.pid, signal.SIGINT)
        serve.wait(timeout=60)
        reader.join(timeout=10)
    output = "".join(lines)
    print(f"web and both workers up after {ready_after:.1f} s, stopped {time.monotonic() - started:.1f} s in")

    assert all(pattern.search(output) for pattern in WORKERS_READY), output
    assert serve.returncode == 0, output
    assert [noise for noise in NOISE if noise in output] == []
    assert output.count("Warm shutdown") == 3, output  # the signing worker, the PDF worker and the notifier
    assert [path for path in PRINTED_PATHS if f"http://127.0.0.1:{port}{path}" not in output] == []
    assert output.rstrip().endswith("certsvc stopped.")
