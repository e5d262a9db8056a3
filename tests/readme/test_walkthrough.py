"""The README's walk-through, run as written against `make run`'s command on the embedded default."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.services import BASE_DIR

README = Path(BASE_DIR) / "README.md"
README_BASE_URL = "http://127.0.0.1:8000"
REGION = re.compile(r"<!-- walkthrough -->(.*?)<!-- /walkthrough -->", re.S)
SH_BLOCK = re.compile(r"^```sh\n(.*?)^```$", re.S | re.M)


def walkthrough_blocks(text: str) -> list[str]:
    region = REGION.search(text)
    assert region, "README.md has no <!-- walkthrough --> region"
    blocks = SH_BLOCK.findall(region.group(1))
    assert blocks, "the walk-through region has no ```sh blocks"
    return blocks


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ready(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/readyz", timeout=5) as response:  # noqa: S310 - loopback
            return json.loads(response.read()).get("status") == "ok"
    except (OSError, ValueError):
        return False


def a_fresh_clone(root: Path) -> Path:
    """A working directory laid out like a clone after `make run`: docs/, .venv/ and var/."""
    (root / "docs").symlink_to(Path(BASE_DIR) / "docs")
    (root / ".venv").symlink_to(Path(sys.prefix))
    (root / "var").mkdir()
    return root


def serve(var_dir: Path, port: int) -> subprocess.Popen[str]:
    """`make run` is `.venv/bin/python manage.py serve`; here on a free port and a private var/."""
    unset = ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "DEMO_PASSWORD")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(VAR_DIR=str(var_dir), CERTSVC_TESTING="false")
    return subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--addr", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def run_blocks(blocks: list[str], *, cwd: Path, base: str) -> str:
    """Every block in one bash session, in order, stopping at the first failing command."""
    script = ["set -euo pipefail"]
    for number, block in enumerate(blocks, start=1):
        script += [f"echo '>>> block {number}'", block.replace(README_BASE_URL, base)]
    env = {k: v for k, v in os.environ.items() if k != "DEMO_PASSWORD"}
    done = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_walkthrough_region_holds_the_steps_a_first_user_needs():
    commands = "\n".join(walkthrough_blocks(README.read_text(encoding="utf-8")))
    for step in (
        "auth/token/",
        "-d @docs/examples/application.json",
        "/submit/",
        "/approve/",
        "/document",
        "/pdf",
        "jwks.json",
        "status/bundle",
        ".venv/bin/certsvc-verify",
    ):
        assert step in commands, step
    assert "/applications/1/" not in commands  # the id comes from the create answer


@pytest.mark.worker
def test_the_readme_walkthrough_runs_as_written_and_ends_valid(tmp_path):
    blocks = walkthrough_blocks(README.read_text(encoding="utf-8"))
    clone, port = a_fresh_clone(tmp_path), free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    server = serve(clone / "var", port)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not ready(base):
            time.sleep(0.5)
        assert ready(base), "make run's service never became ready"
        up = time.monotonic() - started
        output = run_blocks(blocks, cwd=clone, base=base)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.communicate(timeout=60)
    print(f"service ready in {up:.1f} s; walk-through {time.monotonic() - started - up:.1f} s")
    assert f">>> block {len(blocks)}" in output
    assert re.search(r"^certificate\.jws: VALID \(UZ-\d{4}-EX-\d{6}\)$", output, re.M), output
    assert (clone / "certificate.pdf").read_bytes().startswith(b"%PDF-")
