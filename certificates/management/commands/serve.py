"""Run the whole service locally: migrate, seed the demo data, then web server + Celery worker.

Ctrl-C (or SIGTERM) stops both processes and waits for them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, seed demo data and run the web server together with a Celery worker (and beat)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address:port for the web server")
        parser.add_argument("--no-seed", action="store_true", help="do not run seed_demo")

    def handle(self, *args, addr: str, no_seed: bool, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if not no_seed:
            call_command("seed_demo")
        processes = self._start(addr)
        self._print_urls(addr)
        self._supervise(processes)

    def _start(self, addr: str) -> list[subprocess.Popen]:
        python = sys.executable
        web = [python, "manage.py", "runserver", addr, "--noreload"]
        worker = [
            python,
            "-m",
            "celery",
            "-A",
            "certsvc",
            "worker",
            "--beat",
            "--loglevel",
            "INFO",
            "--concurrency",
            "2",
            "--schedule",
            settings.CELERY_BEAT_SCHEDULE_FILENAME,
        ]
        return [subprocess.Popen(web), subprocess.Popen(worker)]  # noqa: S603

    def _print_urls(self, addr: str) -> None:
        base = f"http://{addr}"
        self.stdout.write(self.style.SUCCESS("certsvc is running (Ctrl-C stops web and worker):"))
        self.stdout.write(f"  API docs     {base}/api/docs/")
        self.stdout.write(f"  API schema   {base}/api/schema/")
        self.stdout.write(f"  Admin        {base}/admin/")
        self.stdout.write(f"  Public keys  {base}/.well-known/jwks.json")
        self.stdout.write(f"  Public page  {base}/v/<certificate number>")
        password_file = settings.VAR_DIR / "demo_password"
        if os.environ.get("DEMO_PASSWORD"):
            where = "the value of DEMO_PASSWORD"
        elif password_file.exists():
            where = password_file.read_text(encoding="utf-8").strip()
        else:
            return
        self.stdout.write(f"  Demo users   exporter, officer, customs, admin — password: {where}")

    def _supervise(self, processes: list[subprocess.Popen]) -> None:
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping and all(p.poll() is None for p in processes):
            time.sleep(0.3)
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
        self.stdout.write("certsvc stopped.")
