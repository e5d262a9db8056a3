#!/usr/bin/env python
"""Customs declarations on one certificate: recording cost and verify latency as they pile up.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/certsvc .venv/bin/python bench/declarations.py \
        [--levels 0,100,1000] [--recordings 20] [--verifies 300]

Runs in its own database, ``<DATABASE_URL's database>_declarations`` (created and migrated when
missing, its registry emptied at each run), in production settings (``bench.settings``,
DEBUG=false), in-process through the whole Django stack (middleware, authentication, throttles,
DRF) with ``django.test.Client``. Three certificates are issued with two items of 1,000 KGM: the
*target* collects declarations, the *control* never has any (the same-run reference for noise),
a third takes the warm-up recordings and the reference recordings.

At each level L (earlier declarations on the target), in order:

- the target is filled up to L declarations through ``declaration_record`` (0.001 KGM each);
- ``--recordings`` declarations are posted to ``POST /certificates/{number}/declarations/``, each
  with its queries counted and its time taken (they raise the level by as many), interleaved with
  as many on the warm-up certificate (the reference: a few dozen declarations at most);
- ``--verifies`` customs verifies of the target with a declaration to check, of the target
  without one, and of the control, interleaved, each timed.

Prints, per level, the queries of one recording (minimum–maximum: the transparency log's append
costs two more at an odd leaf index, whatever the declarations), the median recording time, and
the median latencies with their ratios to level 0 and to the control of the same level.
"""

from __future__ import annotations

import argparse
import base64
import os
import secrets
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OFFICE = "06611"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--levels", default="0,100,1000", help="earlier declarations on the certificate")
    parser.add_argument("--recordings", type=int, default=20, help="recordings measured per level")
    parser.add_argument("--verifies", type=int, default=300, help="verifies of each kind per level")
    parser.add_argument("--cache-url", default=os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/14"))
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="use DATABASE_URL itself, already migrated, with the caller's settings: smoke runs",
    )
    args = parser.parse_args(argv)
    args.levels = sorted({int(level) for level in args.levels.split(",")})
    return args


def bench_database_url() -> tuple[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/declarations.py needs a PostgreSQL DATABASE_URL")
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_declarations"
    return urlunsplit(parts._replace(path=f"/{name}")), name


def setup_django(url: str, cache_url: str) -> None:
    from bench.issuance import create_database

    create_database(url, urlsplit(url).path.lstrip("/"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="false",
        DATABASE_URL=url,
        CACHE_URL=cache_url,
        ALLOWED_HOSTS="localhost",
        SECURE_SSL_REDIRECT="false",
        PUBLIC_BASE_URL="https://certs.bench.invalid",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        SIGNING_KEK=os.environ.get("SIGNING_KEK") or _kek(),
        SIGNING_KEK_ID=os.environ.get("SIGNING_KEK_ID") or "bench",
        THROTTLE_VERIFY_USER="1000000/s",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _kek() -> str:
    """The benchmark database's key-encryption key, kept under var/ so that reruns unwrap its keys."""
    path = ROOT / "var" / "bench_declarations_kek"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
    return path.read_text().strip()


def world() -> dict:
    """Three issued certificates (target, control, warm) bound for BY, and a BY customs user's client."""
    from django.test import Client
    from knox.models import AuthToken

    from bench.generator.run import registry_truncate
    from bench.issuance import officer, submitted_applications
    from certificates.accounts.models import Organization, User
    from certificates.applications.services import application_approve
    from certificates.issuance.models import Certificate, IssuanceOrder
    from certificates.issuance.tasks import sign_certificate
    from signing.services import signing_key_ensure_active

    registry_truncate()
    signing_key_ensure_active()
    approver = officer()
    signing_key_ensure_active(issuer_country="UZ")  # the bench body's, which signs its certificates
    certificates = []
    for application in submitted_applications(3):
        application_approve(application=application, actor=approver)
        sign_certificate.run(IssuanceOrder.objects.get(application=application).pk)
        certificates.append(Certificate.objects.get(application=application))
    customs_org, _ = Organization.objects.get_or_create(
        kind=Organization.Kind.CUSTOMS, name="Bench customs BY", defaults={"country": "BY"}
    )
    customs, _ = User.objects.get_or_create(
        username="bench-customs-by", defaults={"role": User.Role.CUSTOMS, "organization": customs_org}
    )
    _, token = AuthToken.objects.create(user=customs)
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token}")
    target, control, warm = certificates
    return {"target": target, "control": control, "warm": warm, "customs": customs, "client": client}


def fill(w: dict, level: int) -> None:
    """Earlier declarations on the target up to ``level``, through the service."""
    from django.utils import timezone

    from certificates.customs.matching import DeclaredLine
    from certificates.customs.models import Declaration
    from certificates.customs.services import declaration_record

    lines = [DeclaredLine(1, "520100", Decimal("0.001"), "KGM")]
    for index in range(Declaration.objects.filter(certificate=w["target"]).count(), level):
        declaration_record(
            certificate=w["target"],
            actor=w["customs"],
            declaration_number=f"EARLIER-{index:06d}",
            declared_at=timezone.now(),
            customs_office=OFFICE,
            lines=lines,
        )


def _post(client, path: str, body: dict):
    import json

    return client.post(path, json.dumps(body), content_type="application/json")


def recordings(
    w: dict, label: str, count: int, on: tuple[str, ...] = ("target", "warm")
) -> dict[str, tuple[list[int], list[float]]]:
    """Queries and seconds of ``count`` recordings on the target and as many on the warm-up
    certificate (a few dozen declarations at most: the same-run reference), interleaved."""
    measured: dict[str, tuple[list[int], list[float]]] = {kind: ([], []) for kind in on}
    for index in range(count):
        for on, (counts, seconds) in measured.items():
            queries, took = _recording(w, on, f"MEASURED-{label}-{index:04d}")
            counts.append(queries)
            seconds.append(took)
    return measured


def _recording(w: dict, on: str, number: str) -> tuple[int, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    body = {
        "declaration_number": number,
        "declared_at": timezone.now().isoformat(),
        "customs_office": OFFICE,
        "lines": [{"item_line": 1, "hs_code": "520100", "quantity": "0.001", "unit": "KGM"}],
    }
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = _post(w["client"], f"/api/v1/certificates/{w[on].number}/declarations/", body)
        took = time.perf_counter() - started
    if response.status_code != 201:
        raise SystemExit(f"recording answered {response.status_code}: {response.content[:300]!r}")
    return len(captured.captured_queries), took


def verifies(w: dict, count: int) -> dict[str, list[float]]:
    """Seconds of customs verifies, interleaved: the target with and without a declaration, the control."""
    check = {"lines": [{"item_line": 1, "hs_code": "520100", "quantity": "1.000", "unit": "KGM"}]}
    bodies = {
        "check": {"number": w["target"].number, "declaration": check},
        "plain": {"number": w["target"].number},
        "control": {"number": w["control"].number},
    }
    times: dict[str, list[float]] = {kind: [] for kind in bodies}
    for _ in range(count):
        for kind, body in bodies.items():
            started = time.perf_counter()
            response = _post(w["client"], "/api/v1/verify/", body)
            times[kind].append(time.perf_counter() - started)
            if response.status_code != 200 or (
                kind == "check" and "declaration_check" not in response.json()
            ):
                raise SystemExit(f"verify answered {response.status_code}: {response.content[:300]!r}")
    return times


def measure(args: argparse.Namespace) -> list[dict]:
    w = world()
    # The process's first signature, key reads and code paths.
    recordings(w, "WARM-UP", 2, on=("warm",))
    verifies(w, 20)
    results = []
    for level in args.levels:
        fill(w, level)
        recorded = recordings(w, f"{level:06d}", args.recordings)
        times = verifies(w, args.verifies)
        queries, seconds = recorded["target"]
        results.append(
            {
                "level": level,
                "queries_min": min(queries),
                "queries_max": max(queries),
                "queries_median": statistics.median(queries),
                "record_ms": statistics.median(seconds) * 1000,
                "record_reference_ms": statistics.median(recorded["warm"][1]) * 1000,
                **{f"{kind}_ms": statistics.median(values) * 1000 for kind, values in times.items()},
            }
        )
    return results


def report(results: list[dict]) -> str:
    """One row per level; ``x`` figures are ratios: to level 0, and to the same run's reference."""
    base = results[0]
    rows = [
        "earlier | queries min-max (median) | record ms (x ref) | verify+check ms (x L0, x control) "
        "| verify ms (x L0, x control) | control ms"
    ]
    for r in results:
        rows.append(
            f"{r['level']:>7,} | {r['queries_min']:>6}-{r['queries_max']:<3} ({r['queries_median']:g}) "
            f"| {r['record_ms']:>7.2f} (x{r['record_ms'] / r['record_reference_ms']:.2f}) "
            f"| {r['check_ms']:>7.3f} (x{r['check_ms'] / base['check_ms']:.2f}, "
            f"x{r['check_ms'] / r['control_ms']:.2f}) "
            f"| {r['plain_ms']:>7.3f} (x{r['plain_ms'] / base['plain_ms']:.2f}, "
            f"x{r['plain_ms'] / r['control_ms']:.2f}) | {r['control_ms']:.3f}"
        )
    return "\n".join(rows)


def main(argv=None) -> list[dict]:
    args = parse_args(argv)
    if not args.in_place:
        url, _ = bench_database_url()
        setup_django(url, args.cache_url)
    results = measure(args)
    print("\ndeclarations on one certificate (medians)\n" + report(results))
    return results


if __name__ == "__main__":
    main()
