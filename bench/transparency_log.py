#!/usr/bin/env python
"""Benchmark of the transparency log: append cost and proof times at large tree sizes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/certsvc .venv/bin/python bench/transparency_log.py \
        --sizes 1000,100000,1000000

The rows live in a dedicated database, ``<name of DATABASE_URL's database>_bench``
(created when missing, dropped at the end unless ``--keep``), so that no real log is
touched. Each size is built quickly with COPY (leaves and every complete subtree,
precomputed here), then measured through the service functions and over HTTP:

- append: ``log_append`` in its own transaction, at the end of a log of that size;
- inclusion / consistency: proofs at random indices and sizes, each verified;
- HTTP: ``GET /api/v1/log/inclusion`` through Django's test client (connections kept).

Without a PostgreSQL DATABASE_URL it runs on a temporary SQLite file (smoke runs only).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
TABLES = ["transparency_checkpoint", "transparency_lognode", "transparency_logleaf", "transparency_loghead"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,100000,1000000", help="comma-separated tree sizes")
    parser.add_argument("--proofs", type=int, default=1000, help="proofs of each kind per size")
    parser.add_argument("--appends", type=int, default=200, help="appends measured per size")
    parser.add_argument("--http", type=int, default=300, help="HTTP inclusion requests per size (0: skip)")
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    args.sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    return args


# --- database ------------------------------------------------------------------------


def bench_database_url() -> tuple[str, str | None]:
    """The benchmark's own database URL, and the PostgreSQL database name to create (if any)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        path = Path(tempfile.mkdtemp(prefix="certsvc-bench-")) / "bench.sqlite3"
        return f"sqlite:///{path}", None
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_bench"
    return urlunsplit(parts._replace(path=f"/{name}")), name


def postgres_admin(sql: str, url: str) -> None:
    import psycopg

    admin_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql)


def create_postgres_database(url: str, name: str) -> None:
    import psycopg

    try:
        postgres_admin(f'CREATE DATABASE "{name}"', url)
    except psycopg.errors.DuplicateDatabase:
        pass


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    # A server keeps its connections; reconnecting per request would measure PostgreSQL's fork.
    os.environ.setdefault("DB_CONN_MAX_AGE", "600")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certsvc.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "transparency", verbosity=0)


def truncate() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(TABLES)}")
        else:
            for table in TABLES:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names


# --- building a log of a given size ------------------------------------------------


def entry_bytes(index: int) -> bytes:
    # The log's cost does not depend on the entry size, so entries stay small to build fast.
    return f"bench entry {index:012d}".encode()


def build(size: int) -> float:
    """Fill the log with ``size`` leaves and all their complete subtrees; returns seconds."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.log_tree import complete_levels, node_rows
    from signing.transparency.merkle import leaf_hash
    from signing.transparency.models import LogHead

    started = time.perf_counter()
    truncate()
    entries = [entry_bytes(i) for i in range(size)]
    leaf_hashes = [leaf_hash(e) for e in entries]
    levels = complete_levels(leaf_hashes)
    now = timezone.now()
    leaf_rows = ((i, leaf_hashes[i], entries[i], now) for i in range(size))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            copy_rows("transparency_logleaf", ("index", "leaf_hash", "entry", "created_at"), leaf_rows)
            copy_rows("transparency_lognode", ("level", "index", "hash"), node_rows(levels))
        else:
            bulk_rows(leaf_rows, node_rows(levels))
        LogHead.objects.update_or_create(id=LogHead.SINGLETON_ID, defaults={"tree_size": size})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def copy_rows(table: str, columns: tuple[str, ...], rows) -> None:
    from django.db import connection

    quoted = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def bulk_rows(leaf_rows, nodes) -> None:
    from signing.transparency.models import LogLeaf, LogNode

    LogLeaf.objects.bulk_create(
        (LogLeaf(index=i, leaf_hash=h, entry=e, created_at=t) for i, h, e, t in leaf_rows), batch_size=5000
    )
    LogNode.objects.bulk_create((LogNode(level=lv, index=i, hash=h) for lv, i, h in nodes), batch_size=5000)


# --- measuring -----------------------------------------------------------------------


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99


def queries_of(call) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def measure_proofs(size: int, count: int, rng: random.Random) -> dict[str, list[float]]:
    from signing.transparency import merkle, services

    root = services.log_root(tree_size=size)
    inclusion, consistency = [], []
    for _ in range(count):
        index = rng.randrange(size)
        started = time.perf_counter()
        path = services.log_inclusion_proof(leaf_index=index, tree_size=size)
        inclusion.append((time.perf_counter() - started) * 1000)
        leaf = merkle.leaf_hash(entry_bytes(index))
        ok = merkle.verify_inclusion(
            leaf_hash=leaf, leaf_index=index, tree_size=size, audit_path=path, root_hash=root
        )
        assert ok, f"inclusion proof of {index} in {size} does not verify"
    for _ in range(count):
        first = rng.randrange(1, size + 1)
        consistency.append(timed(lambda f=first: services.log_consistency_proof(first=f, second=size)))
    return {"inclusion": inclusion, "consistency": consistency}


def measure_http(size: int, count: int, rng: random.Random) -> list[float]:
    from django.test import Client

    client = Client()
    samples = []
    for _ in range(count):
        params = {"leaf_index": rng.randrange(size), "tree_size": size}
        started = time.perf_counter()
        response = client.get("/api/v1/log/inclusion", params)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content
    return samples


def measure_appends(count: int) -> list[float]:
    from django.db import transaction

    from signing.transparency.services import log_append

    def append() -> None:
        with transaction.atomic():
            log_append(entry=b"bench append")

    return [timed(append) for _ in range(count)]


def run_size(size: int, args: argparse.Namespace) -> dict[str, object]:
    from signing.transparency import services

    rng = random.Random(args.seed + size)
    build_seconds = build(size)
    proofs = measure_proofs(size, args.proofs, rng)
    http = measure_http(size, args.http, rng) if args.http else []
    index = rng.randrange(size)
    queries = {
        "inclusion": queries_of(lambda: services.log_inclusion_proof(leaf_index=index, tree_size=size)),
        "consistency": queries_of(
            lambda: services.log_consistency_proof(first=max(1, size // 3), second=size)
        ),
    }
    appends = measure_appends(args.appends)
    return {
        "size": size,
        "build": build_seconds,
        "append": appends,
        "http": http,
        "queries": queries,
        **proofs,
    }


def print_table(rows: list[dict[str, object]], args: argparse.Namespace, vendor: str) -> None:
    print(
        f"\ntransparency log benchmark ({vendor}; {args.proofs} proofs, {args.appends} appends, "
        f"{args.http} HTTP requests per size; times in ms, median / p99)\n"
    )
    header = f"{'leaves':>10} | {'build s':>8} | {'append':>15} | {'inclusion':>15} | {'consistency':>15} | "
    header += f"{'HTTP inclusion':>15} | queries incl/cons"
    print(header)
    print("-" * len(header))
    for row in rows:
        cells = [f"{row['size']:>10,}", f"{row['build']:>8.1f}"]
        for name in ("append", "inclusion", "consistency", "http"):
            samples = row[name]
            cells.append("{:>6.3f} / {:>6.3f}".format(*summary(samples)) if samples else f"{'-':>15}")
        queries = row["queries"]
        cells.append(f"{queries['inclusion']} / {queries['consistency']}")
        print(" | ".join(cells))


def main() -> None:
    args = parse_args()
    url, pg_name = bench_database_url()
    if pg_name:
        create_postgres_database(url, pg_name)
    setup_django(url)
    from django.db import connection

    rows = []
    try:
        for size in args.sizes:
            rows.append(run_size(size, args))
            print(f"size {size:,} done", file=sys.stderr)
    finally:
        truncate()
        connection.close()
        if pg_name and not args.keep:
            postgres_admin(f'DROP DATABASE IF EXISTS "{pg_name}"', url)
    print_table(rows, args, connection.vendor)


if __name__ == "__main__":
    main()
