"""Writing a plan's certificates with PostgreSQL COPY, one process per core, then the log's nodes.

Each worker builds one chunk of certificates (``CertificateRows``) and writes it in its own
transaction; the main process then adds every complete subtree of the log, the log head, the
``NumberSequence`` rows and moves the id sequences past the generated ids.
"""

from __future__ import annotations

import multiprocessing
import random
import sys
import time
from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from django.db import connection, transaction

from bench.generator.plan import Plan
from bench.generator.rows import (
    APPLICATION_COLUMNS,
    CERTIFICATE_COLUMNS,
    EVENT_COLUMNS,
    ITEM_COLUMNS,
    LEAF_COLUMNS,
    CertificateRows,
    Rows,
    sequence_lasts,
)
from bench.log_tree import complete_levels, node_rows
from certificates.issuance.models import NumberSequence
from signing.transparency.models import LogHead

Chunk = tuple[int, int]
_BUILDER: dict[str, CertificateRows] = {}


def chunks_write(plan: Plan, chunks: list[Chunk], *, workers: int, quiet: bool) -> list[bytes]:
    """Every chunk written by a pool of forked workers; returns the leaf hashes in log order."""
    leaf_hashes: list[bytes] = []
    started = time.perf_counter()
    connection.close()  # forked workers must not share the parent's socket
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_worker_init, initargs=(plan,)) as pool:
        for hashes in pool.imap(_worker_chunk, chunks):
            leaf_hashes.extend(hashes)
            if not quiet:
                _progress(len(leaf_hashes), plan.count, started)
    if not quiet:
        sys.stderr.write("\n")
    return leaf_hashes


def _progress(done: int, total: int, started: float) -> None:
    elapsed = time.perf_counter() - started
    rate = done / elapsed if elapsed else 0.0
    filled = 30 * done // total
    eta = (total - done) / rate if rate else 0.0
    bar = "#" * filled + "." * (30 - filled)
    sys.stderr.write(f"\r[{bar}] {done:,}/{total:,} {rate:,.0f}/s eta {eta:,.0f} s")
    sys.stderr.flush()


def _worker_init(plan: Plan) -> None:
    _BUILDER["rows"] = CertificateRows(plan)


def _worker_chunk(bounds: Chunk) -> list[bytes]:
    builder = _BUILDER["rows"]
    start, end = bounds
    rng = random.Random(builder.plan.seed * 1_000_003 + start)
    rows = Rows()
    leaf_hashes = [builder.add(i, rng, rows) for i in range(start, end)]
    _rows_copy(builder.plan.database, rows)
    return leaf_hashes


def _rows_copy(database: dict[str, Any], rows: Rows) -> None:
    params = {k: v for k, v in database.items() if k not in ("cursor_factory", "context")}
    with psycopg.connect(**params) as conn, conn.transaction():
        # Rebuildable benchmark data: a lost tail after a crash is regenerated, not recovered.
        conn.execute("SET LOCAL synchronous_commit TO off")
        copy_rows(conn, "certificates_application", APPLICATION_COLUMNS, rows.applications)
        copy_rows(conn, "certificates_goodsitem", ITEM_COLUMNS, rows.items)
        copy_rows(conn, "certificates_certificate", CERTIFICATE_COLUMNS, rows.certificates)
        copy_rows(
            conn, "certificates_applicationevent", ["application_id", *EVENT_COLUMNS], rows.application_events
        )
        copy_rows(
            conn, "certificates_certificateevent", ["certificate_id", *EVENT_COLUMNS], rows.certificate_events
        )
        copy_rows(conn, "transparency_logleaf", LEAF_COLUMNS, rows.leaves)


def copy_rows(conn: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY ``rows`` into ``table``; ``conn`` is a psycopg connection or Django's (its cursor wraps one)."""
    quoted = ", ".join(f'"{c}"' for c in columns)
    cursor = conn.cursor()
    raw = getattr(cursor, "cursor", cursor)
    with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def registry_finish(plan: Plan, leaf_hashes: list[bytes]) -> None:
    """Log nodes and head, number sequences, id sequences, statistics."""
    with transaction.atomic():
        copy_rows(
            connection,
            "transparency_lognode",
            ["level", "index", "hash"],
            node_rows(complete_levels(leaf_hashes)),
        )
        LogHead.objects.update_or_create(id=LogHead.SINGLETON_ID, defaults={"tree_size": len(leaf_hashes)})
        for (year, type_), last in sequence_lasts(plan).items():
            NumberSequence.objects.update_or_create(year=year, type=type_, defaults={"last": last})
    _id_sequences_advance()


def _id_sequences_advance() -> None:
    with connection.cursor() as cursor:
        for table in ("certificates_application", "certificates_certificate"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608  # nosec B608 - fixed table names
            )
        cursor.execute("ANALYZE")
