#!/usr/bin/env python
"""Where a verify request spends its time: pyinstrument over requests served in-process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/certsvc_bench .venv/bin/python bench/profile_verify.py \
        [--requests 2000] [--numbers 500] [--endpoint verify|one_row|static]

Same settings as ``bench/verify_load.py`` (DEBUG=false, bench routes on). Requests go through
Django's WSGI handler (no network). The first pass over ``--numbers`` numbers is not profiled, so
the profile shows the steady state; ``--cold`` profiles first-seen numbers instead.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--numbers", type=int, default=500)
    parser.add_argument("--endpoint", choices=("verify", "one_row", "static"), default="verify")
    parser.add_argument("--cold", action="store_true")
    parser.add_argument("--no-profile", action="store_true", help="only time the requests")
    args = parser.parse_args()
    from bench.verify_load import parse_args, random_numbers, server_env

    numbers = random_numbers(args.numbers + (2 * args.requests if args.cold else 0))
    os.environ.update(server_env(parse_args([])))
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from pyinstrument import Profiler

    handler = WSGIHandler()

    def call(number: str) -> None:
        if args.endpoint == "verify":
            body = json.dumps({"number": number}).encode()
            environ = {
                "REQUEST_METHOD": "POST",
                "PATH_INFO": "/api/v1/verify/",
                "CONTENT_TYPE": "application/json",
            }
        else:
            body = b""
            path = "/bench/static" if args.endpoint == "static" else f"/bench/certificate/{number}"
            environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path}
        environ.update(
            {
                "CONTENT_LENGTH": str(len(body)),
                "wsgi.input": io.BytesIO(body),
                "SERVER_NAME": "127.0.0.1",
                "SERVER_PORT": "80",
                "REMOTE_ADDR": "127.0.0.1",
                "wsgi.url_scheme": "http",
                "SERVER_PROTOCOL": "HTTP/1.1",
            }
        )
        statuses = []
        b"".join(handler(environ, lambda status, headers: statuses.append(status)))
        assert statuses[0].startswith("200"), statuses

    warm = numbers[: args.numbers]
    # First sight: the timed and the profiled requests each ask numbers not asked before.
    timed = numbers[args.numbers : args.numbers + args.requests] if args.cold else warm
    profiled = numbers[args.numbers + args.requests :] if args.cold else warm
    for number in warm:
        call(number)
    started, cpu_started = time.perf_counter(), time.process_time()
    for i in range(args.requests):
        call(timed[i % len(timed)])
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(
        f"{args.endpoint}: {args.requests} requests, {elapsed / args.requests * 1000:.3f} ms each "
        f"({cpu / args.requests * 1000:.3f} ms of this process's CPU)"
    )
    if args.no_profile:
        return
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for i in range(args.requests):
        call(profiled[i % len(profiled)])
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False, show_all=bool(os.environ.get("PROFILE_ALL"))))


if __name__ == "__main__":
    main()
