#!/usr/bin/env python
"""Fill a benchmark registry with N issued certificates, fast (PostgreSQL COPY, one process per core).

    DATABASE_URL=postgres://…/certsvc_bench .venv/bin/python -m bench.generate --count 1000000 --reset

What it writes, all consistent with what the service itself would have written:

- issuer, exporter and customs organizations, one exporter user per exporter, an officer;
- per certificate: an issued application with 1–3 goods items, its audit chain
  (created → submitted → approved → issued), the certificate (document, canonical bytes,
  compact JWS, SHA-256, ``log_index``) and its audit chain (issued, then revoked or superseded
  for some); documents, canonical bytes, signatures, audit hashes and log hashes all come
  from the service's own builders (``bench/generator/rows.py``), only the writing is bulk;
- numbers ``<PREFIX>-YYYY-EX|IM-NNNNNN`` gapless per year and type, and ``NumberSequence`` rows;
- the transparency log: one leaf per certificate JWS and every complete subtree (``LogNode``)
  (revocation and supersession log events are not logged by this fast path);
- about 2 % revoked and 2 % superseded (the replacement is the next certificate).

Signatures are real: a fresh Ed25519 key is generated in memory, registered as a retired
``SigningKey`` (so the JWKS publishes it and verification accepts it) and its private half is
dropped when the generator ends. The service's own active key (for receipts) is ensured too.

``--reset`` empties the registry tables first (benchmark databases only). Without a PostgreSQL
DATABASE_URL it writes the same rows with plain INSERTs in one process (smoke runs only).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # ``python bench/generate.py`` as well as ``python -m bench.generate``

from bench.generator import GeneratorError  # noqa: E402 - needs ROOT on the path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=5_000, help="certificates per COPY transaction")
    parser.add_argument("--workers", type=int, default=multiprocessing.cpu_count())
    parser.add_argument("--reset", action="store_true", help="empty the registry tables first")
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    return parser.parse_args(argv)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certsvc.settings")
    import django

    django.setup()


def main(argv: list[str] | None = None) -> dict[str, object]:
    """Generate as asked (Django must be set up); prints and returns the count, seconds, rate and kid."""
    args = parse_args(argv)
    # The generator's modules import models, so they load only once Django is set up.
    from bench.generator.run import generate

    result = generate(
        count=args.count, batch=args.batch, workers=max(1, args.workers), reset=args.reset, seed=args.seed,
        quiet=args.quiet,
    )  # fmt: skip
    print(
        f"generated {args.count:,} certificates in {result['seconds']:.1f} s "
        f"({result['per_second']:,.0f}/s), kid {result['kid']}"
    )
    return result


if __name__ == "__main__":
    setup_django()
    try:
        main()
    except GeneratorError as exc:
        sys.exit(f"generate: {exc}")
