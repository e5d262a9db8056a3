"""One generator run: check the database, prepare the plan, write the chunks, finish the log."""

from __future__ import annotations

import time

from django.db import connection, transaction

from bench.generator import MAX_COUNT, TABLES, GeneratorError
from bench.generator.plan import plan_prepare
from bench.generator.rows import CHUNK_ALIGN
from bench.generator.writer import Chunk, chunks_write, registry_finish
from certificates.issuance.models import Certificate
from signing.transparency.models import LogLeaf


def generate(
    *, count: int, batch: int, workers: int, reset: bool, seed: int, quiet: bool
) -> dict[str, object]:
    """``count`` certificates in chunks of ``batch``; returns the count, seconds, rate and kid."""
    _require_writable(count=count, reset=reset)
    started = time.perf_counter()
    plan = plan_prepare(count=count, seed=seed)
    leaf_hashes = chunks_write(plan, chunks_of(count, batch), workers=workers, quiet=quiet)
    registry_finish(plan, leaf_hashes)
    seconds = time.perf_counter() - started
    return {"count": count, "seconds": seconds, "per_second": count / seconds, "kid": plan.kid}


def chunks_of(count: int, batch: int) -> list[Chunk]:
    # Chunks are whole multiples of CHUNK_ALIGN so that a replacement and the certificate it
    # replaces are written in the same transaction.
    size = max(CHUNK_ALIGN, batch // CHUNK_ALIGN * CHUNK_ALIGN)
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def _require_writable(*, count: int, reset: bool) -> None:
    if not 1 <= count <= MAX_COUNT:
        raise GeneratorError(f"--count must be between 1 and {MAX_COUNT:,} (numbers of one year)")
    if reset:
        registry_truncate()
    elif Certificate.objects.exists() or LogLeaf.objects.exists():
        raise GeneratorError("the registry already holds certificates or log leaves; use --reset")


def registry_truncate() -> None:
    """Empty every registry table (benchmark databases only)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
            return
        for table in TABLES:  # children first, so that every foreign key still holds
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608  # nosec B608 - fixed table names
