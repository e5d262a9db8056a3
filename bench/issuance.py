#!/usr/bin/env python
"""Issuance throughput: approved applications signed by a real Celery worker (prefork, 2 processes).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/certsvc .venv/bin/python bench/issuance.py \
        [--count 2000] [--concurrency 2] [--broker redis://127.0.0.1:6379/15]

Runs in its own database, ``<DATABASE_URL's database>_issuance`` (created and migrated when
missing, emptied of applications, certificates and the log at each run). Submitted applications
are bulk-inserted, then approved through ``application_approve`` (each approval queues its
signing task after commit) while no worker runs; then the worker starts and the script waits until
every order is done. The rate is taken between the first and the last certificate's creation
(worker start-up excluded). It also reports the pool processes' RSS when the first and the last
certificate are issued (and at ``--rss-at``), and raw Ed25519 signing of the same documents for
comparison. The signing worker consumes the ``celery`` queue, as in production; PDFs go to the
``pdf`` queue, left waiting (``--pdf off``) or rendered meanwhile by a PDF worker (``--pdf on``,
niced as ``manage.py serve`` and docker-compose.yml run it). At the end every order is checked
done exactly once (``exactly_once_check``: numbers gapless, every JWS verifies, log and audit sound).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--broker", default=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/15"))
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for every order")
    parser.add_argument(
        "--pdf",
        choices=("off", "on", "drain"),
        default="off",
        help="on: a PDF worker (the `pdf` queue, --pdf-concurrency processes) runs beside the signing "
        "worker; off: the PDF messages wait on their queue; drain: as off, then the PDF worker alone "
        "renders the backlog (PDFs per second)",
    )
    parser.add_argument("--pdf-concurrency", type=int, default=2)
    parser.add_argument("--pdf-nice", type=int, default=10, help="niceness of the PDF worker, as shipped")
    parser.add_argument(
        "--rss-at", default="1000,10000,50000", help="pool RSS is also sampled when these many are done"
    )
    parser.add_argument("--no-check", action="store_true", help="skip the exactly-once check at the end")
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="use DATABASE_URL itself, already migrated (its registry tables are emptied): smoke runs",
    )
    return parser.parse_args(argv)


def bench_database_url() -> tuple[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/issuance.py needs a PostgreSQL DATABASE_URL")
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_issuance"
    return urlunsplit(parts._replace(path=f"/{name}")), name


def create_database(url: str, name: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        try:
            conn.execute(f'CREATE DATABASE "{name}"')
        except psycopg.errors.DuplicateDatabase:
            pass


def setup_django(url: str, broker: str) -> None:
    os.environ.update(
        DATABASE_URL=url,
        CELERY_BROKER_URL=broker,
        DJANGO_SETTINGS_MODULE="certsvc.settings",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def reset() -> None:
    from bench.generator.run import registry_truncate

    registry_truncate()


def purge(broker: str) -> None:
    import redis

    redis.Redis.from_url(broker).flushdb()


def submitted_applications(count: int) -> list:
    """``count`` submitted applications with two goods items, bulk-inserted (their audit chains start
    at approval: this database only serves the benchmark)."""
    from datetime import date

    from django.utils import timezone

    from certificates.accounts.models import Organization, User
    from certificates.applications.models import Application, GoodsItem

    exporter_org, _ = Organization.objects.get_or_create(
        kind=Organization.Kind.EXPORTER, name="Bench exporter LLC", defaults={"country": "UZ"}
    )
    exporter, _ = User.objects.get_or_create(
        username="bench-exporter", defaults={"role": User.Role.EXPORTER, "organization": exporter_org}
    )
    now = timezone.now()
    applications = Application.objects.bulk_create(
        Application(
            exporter=exporter_org,
            created_by=exporter,
            type="export",
            status="submitted",
            consignee_name=f"Consignee {n} OJSC",
            consignee_country="BY",
            consignee_address="10 Nezavisimosti Ave, Minsk",
            country_of_export="UZ",
            country_of_destination="BY",
            transport_mode="road",
            invoice_number=f"INV-{n:06d}",
            invoice_date=date(2026, 11, 1),
            submitted_at=now,
        )
        for n in range(count)
    )
    GoodsItem.objects.bulk_create(
        GoodsItem(
            application=application,
            line=line,
            description="Raw cotton",
            hs_code="520100",
            quantity="1000.000",
            unit="KGM",
            net_weight_kg="1000.000",
            gross_weight_kg="1050.000",
            value="2500.00",
            currency="USD",
            origin_country="UZ",
        )
        for application in applications
        for line in (1, 2)
    )
    return applications


def officer():
    from certificates.accounts.models import Organization, User

    issuer, _ = Organization.objects.get_or_create(
        kind=Organization.Kind.ISSUER, name="Chamber of Commerce (bench)", defaults={"country": "UZ"}
    )
    user, _ = User.objects.get_or_create(
        username="bench-officer", defaults={"role": User.Role.OFFICER, "organization": issuer}
    )
    return user


def pool_rss_kib(main_pid: int) -> list[int]:
    """Resident memory of the worker's pool processes (children of the main process), in KiB."""
    children = []
    try:
        for task in os.listdir(f"/proc/{main_pid}/task"):
            children += Path(f"/proc/{main_pid}/task/{task}/children").read_text().split()
    except OSError:
        return []
    sizes = []
    for pid in children:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]))
        except OSError:
            continue
    return sizes


def start_worker(
    args: argparse.Namespace, url: str, *, queue: str = "celery", concurrency: int = 0, nice: int = 0
) -> subprocess.Popen:
    """Production settings (DEBUG=false: no query log growing in memory), as the load benchmark's server."""
    from bench.verify_load import parse_args as server_args
    from bench.verify_load import server_env

    env = dict(server_env(server_args([])), DATABASE_URL=url, CELERY_BROKER_URL=args.broker)
    command = [
        *(["nice", "-n", str(nice)] if nice else []),
        sys.executable, "-m", "celery", "-A", "certsvc", "worker", "--loglevel", "WARNING",
        "--pool", "prefork", "--concurrency", str(concurrency or args.concurrency), "--queues", queue,
        "--hostname", f"bench-{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL)


def stop_worker(worker: subprocess.Popen) -> None:
    import signal

    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)


def raw_signing_rate(samples: int = 2000) -> dict:
    """In-process: canonicalize + Ed25519 sign of issued documents, as the pipeline does per certificate."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from certificates.issuance.models import Certificate
    from signing.canonical import canonicalize

    documents = list(Certificate.objects.values_list("document", flat=True)[:samples])
    key = Ed25519PrivateKey.generate()
    started = time.perf_counter()
    for document in documents:
        key.sign(canonicalize(document))
    canonical_and_sign = (time.perf_counter() - started) / len(documents)
    payloads = [canonicalize(document) for document in documents]
    started = time.perf_counter()
    for payload in payloads:
        key.sign(payload)
    sign_only = (time.perf_counter() - started) / len(payloads)
    return {"sign_us": sign_only * 1e6, "canonicalize_and_sign_us": canonical_and_sign * 1e6}


def exactly_once_check() -> dict:
    """Every order done once: numbers gapless per year and type, one certificate per application,
    every JWS verifying over its canonical document, each in the log at its index, audit and log sound."""
    from io import StringIO

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from django.core.management import call_command

    from certificates.issuance.models import Certificate, IssuanceOrder, NumberSequence
    from signing.jws import parse_compact
    from signing.models import SigningKey
    from signing.transparency.models import LogLeaf

    rows = list(
        Certificate.objects.values_list("year", "type", "sequence", "jws", "canonical", "kid", "log_index")
    )
    for (year, type_), last in {(n.year, n.type): n.last for n in NumberSequence.objects.all()}.items():
        sequences = sorted(row[2] for row in rows if (row[0], row[1]) == (year, type_))
        assert sequences == list(range(1, last + 1)), f"numbers of {year}/{type_} are not gapless"
    assert not IssuanceOrder.objects.exclude(state=IssuanceOrder.State.DONE).exists(), "orders left undone"
    assert IssuanceOrder.objects.count() == len(rows), "not one certificate per order"
    keys = {
        key.kid: Ed25519PublicKey.from_public_bytes(key.public_key_bytes) for key in SigningKey.objects.all()
    }
    entries = dict(LogLeaf.objects.values_list("index", "entry"))
    for _year, _type, _sequence, jws, canonical, kid, log_index in rows:
        parsed = parse_compact(jws)
        keys[kid].verify(parsed.signature, parsed.signing_input)
        assert parsed.payload == bytes(canonical), "a JWS does not carry its document"
        assert bytes(entries[log_index]) == jws.encode("ascii"), (
            "a certificate is not in the log at its index"
        )
    call_command("verify_log", stdout=StringIO())
    call_command("verify_audit", stdout=StringIO())
    return {"checked": len(rows)}


def wait_for_orders(args: argparse.Namespace, worker: subprocess.Popen) -> dict[str, list[int]]:
    """Until every order is done; the pool's RSS at the first, at each of ``--rss-at`` and at the last."""
    from certificates.issuance.models import IssuanceOrder

    marks = sorted(int(mark) for mark in args.rss_at.split(",") if mark and int(mark) < args.count)
    rss: dict[str, list[int]] = {}
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        done = IssuanceOrder.objects.filter(state=IssuanceOrder.State.DONE).count()
        if done and "first" not in rss:
            rss["first"] = pool_rss_kib(worker.pid)
        while marks and done >= marks[0]:
            rss[str(marks.pop(0))] = pool_rss_kib(worker.pid)
        if done >= args.count:
            break
        if IssuanceOrder.objects.filter(state=IssuanceOrder.State.FAILED).exists():
            raise SystemExit("an issuance order failed")
        time.sleep(0.2)
    rss["last"] = pool_rss_kib(worker.pid)
    return rss


def wait_for_pdf_messages(args: argparse.Namespace) -> None:
    """Until the last batch's after-commit work has queued every PDF (it runs after its orders are done)."""
    import redis

    queue = redis.Redis.from_url(args.broker)
    deadline = time.monotonic() + 60
    while queue.llen("pdf") < args.count and time.monotonic() < deadline:
        time.sleep(0.2)


def pdf_backlog_drain(args: argparse.Namespace) -> dict:
    """The PDF worker alone on the backlog the signing left: PDFs per second once the first is stored."""
    from certificates.issuance.models import Certificate

    rendered = Certificate.objects.exclude(pdf="")
    worker = start_worker(
        args, os.environ["DATABASE_URL"], queue="pdf", concurrency=args.pdf_concurrency, nice=args.pdf_nice
    )
    first: tuple[float, int] | None = None
    started = time.monotonic()
    deadline = started + args.timeout
    try:
        while time.monotonic() < deadline:
            done = rendered.count()
            if done and first is None:
                first = (time.monotonic(), done)
            if done >= args.count:
                break
            time.sleep(0.2)
    finally:
        stop_worker(worker)
    if first is None or done < args.count:
        raise SystemExit(f"the PDF worker rendered {done} of {args.count} in time")
    if done == first[1]:  # a backlog so small it was gone at the first look: count the start-up too
        first = (started, 0)
    seconds = time.monotonic() - first[0]
    return {"pdf_drain_seconds": seconds, "pdfs_per_second": (done - first[1]) / seconds}


def statistics_refresh() -> None:
    """``ANALYZE`` the bulk-inserted tables, as autovacuum would: without it a planner that believes
    them empty scans every goods item and event of the run in each batch (this machine's PostgreSQL
    runs with ``autovacuum = off``; 10/s instead of 65/s at 40,000 certificates)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(args: argparse.Namespace) -> dict:
    from django.db import connection

    from certificates.applications.services import application_approve
    from certificates.issuance.models import Certificate
    from signing.services import signing_key_ensure_active

    reset()
    purge(args.broker)
    signing_key_ensure_active()
    approver = officer()
    signing_key_ensure_active(issuer_country="UZ")  # the bench body's, which signs its certificates
    started = time.perf_counter()
    applications = submitted_applications(args.count)
    for application in applications:
        application_approve(application=application, actor=approver)
    approve_seconds = time.perf_counter() - started
    statistics_refresh()
    connection.close()

    load_before = os.getloadavg()
    workers = [start_worker(args, os.environ["DATABASE_URL"])]
    if args.pdf == "on":
        pdf = start_worker(
            args,
            os.environ["DATABASE_URL"],
            queue="pdf",
            concurrency=args.pdf_concurrency,
            nice=args.pdf_nice,
        )
        workers.append(pdf)
    try:
        rss = wait_for_orders(args, workers[0])
        if args.pdf == "drain":
            wait_for_pdf_messages(args)
    finally:
        for worker in workers:
            stop_worker(worker)
    load_after = os.getloadavg()
    drained = pdf_backlog_drain(args) if args.pdf == "drain" else {}
    pdfs = Certificate.objects.exclude(pdf="").count()
    created = sorted(Certificate.objects.values_list("created_at", flat=True))
    if len(created) < args.count:
        raise SystemExit(f"only {len(created)} of {args.count} certificates were issued in time")
    span = (created[-1] - created[0]).total_seconds()
    rate = (len(created) - 1) / span if span else float("inf")
    checked = {} if args.no_check else exactly_once_check()
    return {
        "count": args.count,
        "concurrency": args.concurrency,
        "pdf": args.pdf,
        "pdfs_rendered": pdfs,
        **drained,
        "load_before": load_before,
        "load_after": load_after,
        "rss_kib": rss,
        **checked,
        "approve_seconds": approve_seconds,
        "issue_seconds": span,
        "per_second": rate,
        "worker_ms_per_certificate": args.concurrency / rate * 1000,
        "rss_kib_first": rss.get("first", []),
        "rss_kib_last": rss.get("last", []),
        **raw_signing_rate(),
    }


def main(argv=None) -> dict:
    args = parse_args(argv)
    if args.in_place:
        os.environ["CELERY_BROKER_URL"] = args.broker
    else:
        url, name = bench_database_url()
        create_database(url, name)
        setup_django(url, args.broker)
    result = measure(args)
    print(
        f"\nissuance ({result['count']:,} certificates, prefork concurrency {result['concurrency']})\n"
        f"approve (services, {result['count']:,})   : {result['approve_seconds']:.1f} s\n"
        f"first to last certificate     : {result['issue_seconds']:.1f} s\n"
        f"certificates per second       : {result['per_second']:.1f}  (target >= 150)\n"
        f"worker time per certificate   : {result['worker_ms_per_certificate']:.2f} ms "
        f"(raw sign {result['sign_us']:.0f} us, "
        f"canonicalize + sign {result['canonicalize_and_sign_us']:.0f} us)\n"
        f"pool RSS KiB                  : {result['rss_kib']}\n"
        f"PDFs ({result['pdf']})                    : {result['pdfs_rendered']:,} rendered meanwhile\n"
        f"load average before / after   : {result['load_before']} / {result['load_after']}\n"
        f"exactly once                  : {result.get('checked', 'not checked')} certificates checked"
    )
    if "pdfs_per_second" in result:
        print(
            f"PDF backlog drained           : {result['pdfs_per_second']:.1f} PDFs/s over "
            f"{result['pdf_drain_seconds']:.1f} s, {args.pdf_concurrency} processes (target >= 25)"
        )
    return result


if __name__ == "__main__":
    main()
