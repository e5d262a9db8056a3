"""Run the whole service locally: migrate, seed the demo data, then web server and Celery workers.

Three workers, as in production: one signs (the ``celery`` queue, with beat), one renders PDFs
(the ``pdf`` queue, at a lower CPU priority) and one delivers webhooks and e-mail (the
``notifications`` queue), so neither a backlog of PDFs nor a slow receiver holds a signature up.
Ctrl-C (or SIGTERM) stops every process and waits for them. A worker that exits by itself (e.g.
on an unrecoverable broker error) is started again, at most once every few seconds; the web
server ending stops everything.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

WORKER_RESTART_SECONDS = 5
# PDFs yield the CPU to signing when both are busy (the same niceness as docker-compose.yml's pdf-worker).
PDF_NICE = ["nice", "-n", "10"] if shutil.which("nice") else []


class Command(BaseCommand):
    help = "Migrate, seed demo data, run the web server, the signing (with beat), PDF and notifier workers."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address:port for the web server")
        parser.add_argument("--no-seed", action="store_true", help="do not run seed_demo")

    def handle(self, *args: Any, addr: str, no_seed: bool, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not no_seed:
            call_command("seed_demo")
        processes = self._start(addr)
        try:
            self._print_urls(addr)
            self._wait_for_stop(processes)
        finally:
            self._stop(processes)
        self.stdout.write("certsvc stopped.")

    def _start(self, addr: str) -> list[subprocess.Popen[bytes]]:
        web = [sys.executable, "manage.py", "runserver", addr, "--noreload"]
        worker = self._worker(
            "worker", "celery", "--beat", "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME
        )
        pdf = [*PDF_NICE, *self._worker("pdf", "pdf")]
        notifier = self._worker("notifier", "notifications")
        self._commands = [web, worker, pdf, notifier]
        return [self._spawn(command) for command in self._commands]

    @staticmethod
    def _spawn(command: list[str]) -> subprocess.Popen[bytes]:
        """A process group of its own: Ctrl-C reaches this command only, which stops each child once.

        In the terminal's group a worker got SIGINT from the terminal and then SIGTERM from here,
        and printed its shutdown twice.
        """
        return subprocess.Popen(command, process_group=0)  # noqa: S603

    def _worker(self, name: str, queue: str, *extra: str) -> list[str]:
        celery = [sys.executable, "-m", "celery", "-A", "certsvc", "worker", "--loglevel", "INFO"]
        return [*celery, "--hostname", f"{name}@%h", "--queues", queue, "--concurrency", "2", *extra]

    def _print_urls(self, addr: str) -> None:
        base = f"http://{addr}"
        self.stdout.write(self.style.SUCCESS("certsvc is running (Ctrl-C stops web and workers):"))
        self.stdout.write(f"  API docs     {base}/api/docs/")
        self.stdout.write(f"  API ReDoc    {base}/api/redoc/")
        self.stdout.write(f"  API schema   {base}/api/schema/")
        self.stdout.write(f"  Admin        {base}/admin/")
        self.stdout.write(f"  Public keys  {base}/.well-known/jwks.json")
        self.stdout.write(f"  Public page  {base}/v/<certificate number>")
        password = self._demo_password()
        if password is not None:
            self.stdout.write(f"  Demo users   exporter, officer, customs, admin — password: {password}")

    def _demo_password(self) -> str | None:
        """Where the demo users' password is to be found, if seed_demo has run."""
        password_file = settings.VAR_DIR / "demo_password"
        if os.environ.get("DEMO_PASSWORD"):
            return "the value of DEMO_PASSWORD"
        if password_file.exists():
            return password_file.read_text(encoding="utf-8").strip()
        return None

    def _wait_for_stop(self, processes: list[subprocess.Popen[bytes]]) -> None:
        """Until Ctrl-C, SIGTERM, or the web server ending by itself; the workers are kept running."""
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        started = [time.monotonic()] * len(processes)
        while not stopping and processes[0].poll() is None:
            for index in range(1, len(processes)):
                self._keep_worker_running(processes, started, index)
            time.sleep(0.3)

    def _keep_worker_running(
        self, processes: list[subprocess.Popen[bytes]], started: list[float], index: int
    ) -> None:
        """The fallback if a worker dies: start it again, no sooner than a few seconds after its last start.

        Messages a dead worker held are re-sent by the sweeps.
        """
        worker = processes[index]
        if worker.poll() is None or time.monotonic() - started[index] < WORKER_RESTART_SECONDS:
            return
        self.stderr.write(f"Celery worker exited with code {worker.returncode}; starting it again.")
        processes[index] = self._spawn(self._commands[index])
        started[index] = time.monotonic()

    def _stop(self, processes: list[subprocess.Popen[bytes]]) -> None:
        """SIGTERM to each, then 15 s in all for them to finish before they are killed."""
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
