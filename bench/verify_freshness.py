#!/usr/bin/env python
"""How long a revocation takes to reach every web process's answer to verify by number.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/certsvc_bench .venv/bin/python \\
        bench/verify_freshness.py --revocations 100 --servers 2

Starts ``--servers`` gunicorn servers of one worker each (so that each answer comes from a known
process, each with its own kept rows and epochs; the shipped settings otherwise, as
``bench/verify_load.py`` runs them) on the registry of ``DATABASE_URL``. For each of
``--revocations`` issued certificates (the newest first): verify it on every process until each has
answered ``valid`` twice (its row is then kept), revoke it here with ``certificate_revoke`` (as the
officer's request would; this process is none of the web ones), then from the moment that call
returned ask every process every ``--interval`` s until each answers ``revoked``. Prints the worst,
median and p99 delay over the revocations (the delay of a revocation is that of its slowest process).
The certificates stay revoked: use a benchmark registry.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import verify_load  # noqa: E402 - needs ROOT on the path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--revocations", type=int, default=100)
    parser.add_argument("--servers", type=int, default=2, help="gunicorn processes (one worker each)")
    parser.add_argument("--interval", type=float, default=0.01, help="seconds between two rounds of asking")
    parser.add_argument("--timeout", type=float, default=10, help="give up on a revocation after this")
    parser.add_argument("--port", type=int, default=18820, help="first port; one per server")
    parser.add_argument("--cache-url", default=os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/14"))
    return parser.parse_args(argv)


def verify_status(port: int, number: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        body = json.dumps({"number": number})
        connection.request("POST", "/api/v1/verify/", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        answer = json.loads(response.read())
    finally:
        connection.close()
    if response.status != 200:
        raise SystemExit(f"verify answered {response.status}: {answer}")
    return str(answer["status"])


def warm(ports: list[int], number: str) -> None:
    """Each process answers ``valid`` twice: the second answer came from its kept row."""
    for port in ports:
        for _ in range(2):
            if (status := verify_status(port, number)) != "valid":
                raise SystemExit(f"{number} is {status} before its revocation")


def delay_of_revocation(ports: list[int], number: str, args: argparse.Namespace) -> float:
    """Revoke ``number``; seconds from the revocation's return until the last process says so."""
    from certificates.accounts.models import User
    from certificates.issuance.models import Certificate
    from certificates.issuance.revocation import certificate_revoke

    officer = User.objects.filter(role=User.Role.OFFICER).order_by("pk").first()
    warm(ports, number)
    certificate_revoke(certificate=Certificate.objects.get(number=number), actor=officer, reason="freshness")
    returned = time.monotonic()
    waiting = set(ports)
    while waiting:
        round_started = time.monotonic()
        for port in sorted(waiting):
            if verify_status(port, number) == "revoked":
                waiting.discard(port)
                seen = time.monotonic() - returned
        if round_started - returned > args.timeout:
            raise SystemExit(f"{number}: still valid on ports {sorted(waiting)} after {args.timeout} s")
        time.sleep(max(0.0, args.interval - (time.monotonic() - round_started)))
    return seen


def issued_numbers(count: int) -> list[str]:
    from django.utils import timezone

    from certificates.issuance.models import Certificate

    today = timezone.now().date()
    newest = Certificate.objects.filter(
        status=Certificate.Status.ISSUED, exhausted_at=None, valid_from__lte=today, valid_until__gte=today
    ).order_by("-id")
    numbers = list(newest.values_list("number", flat=True)[:count])
    if len(numbers) < count:
        raise SystemExit(f"only {len(numbers)} valid certificates to revoke")
    return numbers


def measure(args: argparse.Namespace) -> dict[str, object]:
    numbers = issued_numbers(args.revocations)
    servers, ports = [], [args.port + i for i in range(args.servers)]
    try:
        for port in ports:
            server_args = argparse.Namespace(workers=1, port=port, cache_url=args.cache_url)
            servers.append(verify_load.start_server(server_args))
        delays = [delay_of_revocation(ports, number, args) for number in numbers]
    finally:
        for server in servers:
            verify_load.stop_server(server)
    ordered = sorted(delays)
    return {
        "revocations": len(delays),
        "processes": len(ports),
        "worst_s": ordered[-1],
        "median_s": statistics.median(ordered),
        "p99_s": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
    }


def setup_django(args: argparse.Namespace) -> None:
    """This process with the servers' settings, shared cache included (unless Django is set up)."""
    from django.conf import settings

    if settings.configured:
        return
    os.environ.update(verify_load.server_env(argparse.Namespace(cache_url=args.cache_url)))
    import django

    django.setup()


def main(argv: list[str] | None = None) -> dict[str, object]:
    args = parse_args(argv)
    setup_django(args)
    result = measure(args)
    print(
        f"{result['revocations']} revocations, {result['processes']} processes: worst "
        f"{result['worst_s'] * 1000:.0f} ms, median {result['median_s'] * 1000:.0f} ms, "
        f"p99 {result['p99_s'] * 1000:.0f} ms after the revocation returned (target: worst <= 1000 ms)"
    )
    return result


if __name__ == "__main__":
    main()
