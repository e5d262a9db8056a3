"""Writing a plan's certificates with PostgreSQL COPY, one process per core, then the log's nodes.

Each worker builds one chunk of certificates (``CertificateRows``) and writes it in its own
transaction; the main process then adds every complete subtree of the log, the log head, the
``NumberSequence`` rows and moves the id sequences past the generated ids.

On any other database (smoke runs on SQLite) the chunks are built and INSERTed one after the
other in this process, over Django's connection: the same rows, only slower.
"""

from __future__ import annotations

import multiprocessing
import random
import sys
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import partial
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
    """Every chunk written, in parallel on PostgreSQL; returns the leaf hashes in log order."""
    if connection.vendor != "postgresql":
        return _chunks_insert(plan, chunks)
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
    rows, leaf_hashes = _chunk_build(_BUILDER["rows"], bounds)
    _rows_copy(_BUILDER["rows"].plan.database, rows)
    return leaf_hashes


def _chunk_build(builder: CertificateRows, bounds: Chunk) -> tuple[Rows, list[bytes]]:
    start, end = bounds
    rng = random.Random(builder.plan.seed * 1_000_003 + start)
    rows = Rows()
    return rows, [builder.add(i, rng, rows) for i in range(start, end)]


def _chunks_insert(plan: Plan, chunks: list[Chunk]) -> list[bytes]:
    builder, leaf_hashes = CertificateRows(plan), []
    for bounds in chunks:
        rows, hashes = _chunk_build(builder, bounds)
        with transaction.atomic():
            for table, columns, values in _tables(rows):
                insert_rows(table, columns, values)
        leaf_hashes.extend(hashes)
    return leaf_hashes


def _tables(rows: Rows) -> list[tuple[str, Sequence[str], list[Any]]]:
    """Where each kind of row goes, in an order the foreign keys accept."""
    return [
        ("certificates_application", APPLICATION_COLUMNS, rows.applications),
        ("certificates_goodsitem", ITEM_COLUMNS, rows.items),
        ("certificates_certificate", CERTIFICATE_COLUMNS, rows.certificates),
        (
            "certificates_applicationevent",
            ["application_ref", "application_id", *EVENT_COLUMNS],
            [(row.owner_id, *row) for row in rows.application_events],
        ),
        ("certificates_certificateevent", ["certificate_id", *EVENT_COLUMNS], rows.certificate_events),
        ("transparency_logleaf", LEAF_COLUMNS, rows.leaves),
    ]


def _rows_copy(database: dict[str, Any], rows: Rows) -> None:
    params = {k: v for k, v in database.items() if k not in ("cursor_factory", "context")}
    with psycopg.connect(**params) as conn, conn.transaction():
        # Rebuildable benchmark data: a lost tail after a crash is regenerated, not recovered.
        conn.execute("SET LOCAL synchronous_commit TO off")
        for table, columns, values in _tables(rows):
            copy_rows(conn, table, columns, values)


def copy_rows(conn: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY ``rows`` into ``table``; ``conn`` is a psycopg connection or Django's (its cursor wraps one)."""
    quoted = ", ".join(f'"{c}"' for c in columns)
    cursor = conn.cursor()
    raw = getattr(cursor, "cursor", cursor)
    with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Plain INSERTs over Django's connection, datetimes adapted as the ORM would store them."""
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608  # nosec B608 - fixed names
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[_adapted(value) for value in row] for row in rows])


def _adapted(value: Any) -> Any:
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def registry_finish(plan: Plan, leaf_hashes: list[bytes]) -> None:
    """Log nodes and head, number sequences, id sequences, statistics."""
    write = partial(copy_rows, connection) if connection.vendor == "postgresql" else insert_rows
    with transaction.atomic():
        write("transparency_lognode", ["level", "index", "hash"], node_rows(complete_levels(leaf_hashes)))
        LogHead.objects.update_or_create(id=LogHead.SINGLETON_ID, defaults={"tree_size": len(leaf_hashes)})
        for (year, type_), last in sequence_lasts(plan).items():
            NumberSequence.objects.update_or_create(
                prefix=plan.prefix, year=year, type=type_, defaults={"last": last}
            )
    _id_sequences_advance()


def _id_sequences_advance() -> None:
    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT already follows the largest id inserted
    with connection.cursor() as cursor:
        for table in ("certificates_application", "certificates_certificate"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608  # nosec B608 - fixed table names
            )
        cursor.execute("ANALYZE")
