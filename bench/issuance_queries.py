#!/usr/bin/env python
"""SQL statements per issued certificate, counted with ``CaptureQueriesContext``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/certsvc .venv/bin/python bench/issuance_queries.py \
        [--count 100] [--batch 50]

In ``<DATABASE_URL's database>_issuance`` (as ``bench/issuance.py``, emptied first): ``--count``
applications are approved, then issued in-process as a worker would, once one order per task
(``certificate_issue``, as before batches) and once as the signing task does now
(``certificate_issue_batched`` for every order's message, most of them finding their order done
by an earlier batch), after-commit callbacks included (publishing goes to an in-memory broker).
Prints statements per certificate, then checks the result as ``bench/issuance.py`` does.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--in-place", action="store_true", help="use DATABASE_URL itself (smoke runs)")
    parser.add_argument("--show", action="store_true", help="print the statements of one certificate")
    return parser.parse_args(argv)


def approved_orders(count: int) -> list[int]:
    from bench import issuance
    from certificates.applications.services import application_approve
    from certificates.issuance.models import IssuanceOrder
    from signing.services import signing_key_ensure_active

    issuance.reset()
    approver = issuance.officer()
    signing_key_ensure_active(issuer_country="UZ")  # the bench body's, which signs its certificates
    for application in issuance.submitted_applications(count):
        application_approve(application=application, actor=approver)
    return list(IssuanceOrder.objects.order_by("id").values_list("id", flat=True))


TIMES: dict[str, float] = {}


def captured(run, label: str = "") -> list[str]:
    """The statements ``run`` sends, and its wall and CPU time in ``TIMES`` (the process's own CPU)."""
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        TIMES[label] = time.perf_counter() - wall
        TIMES[label + "_cpu"] = time.process_time() - cpu
    return [query["sql"] for query in queries.captured_queries]


def per_order(order_ids: list[int]) -> list[str]:
    from certificates.issuance.services import certificate_issue

    return captured(lambda: [certificate_issue(order_id=order_id) for order_id in order_ids], "per_order")


def batched(order_ids: list[int], batch: int) -> list[str]:
    """Every order's message, as the worker receives them: most find their order done by a batch."""
    from django.test import override_settings

    from certificates.issuance.batch import certificate_issue_batched

    with override_settings(ISSUANCE_BATCH_SIZE=batch):
        return captured(
            lambda: [certificate_issue_batched(order_id=order_id) for order_id in order_ids], "batched"
        )


def consistent() -> None:
    """Numbers gapless, audit chains and the log sound, as after a benchmark run."""
    from bench.issuance import exactly_once_check

    exactly_once_check()


def summary(statements: list[str]) -> str:
    kinds = Counter(sql.split()[0].upper() for sql in statements)
    return ", ".join(f"{kind} {n}" for kind, n in kinds.most_common())


def measure(args: argparse.Namespace) -> dict:
    from signing.services import signing_key_ensure_active

    signing_key_ensure_active()
    single = per_order(approved_orders(args.count))
    if args.show:
        print("\n".join(single[: len(single) // args.count]))
    batch = batched(approved_orders(args.count), args.batch)
    consistent()
    return {
        "count": args.count,
        "batch": args.batch,
        "per_order": len(single) / args.count,
        "batched": len(batch) / args.count,
        "per_order_ms": TIMES["per_order"] / args.count * 1000,
        "per_order_cpu_ms": TIMES["per_order_cpu"] / args.count * 1000,
        "batched_ms": TIMES["batched"] / args.count * 1000,
        "batched_cpu_ms": TIMES["batched_cpu"] / args.count * 1000,
        "per_order_kinds": summary(single),
        "batched_kinds": summary(batch),
    }


def main(argv=None) -> dict:
    from bench import issuance

    args = parse_args(argv)
    os.environ["CELERY_BROKER_URL"] = "memory://"
    if not args.in_place:
        url, name = issuance.bench_database_url()
        issuance.create_database(url, name)
        issuance.setup_django(url, "memory://")
    result = measure(args)
    print(
        f"\nstatements per certificate ({result['count']} certificates)\n"
        f"one order per task : {result['per_order']:.2f}  ({result['per_order_kinds']})\n"
        f"batches of {result['batch']:<8}: {result['batched']:.2f}  ({result['batched_kinds']})\n"
        f"in-process ms per certificate, wall / CPU of this process: one order per task "
        f"{result['per_order_ms']:.2f} / {result['per_order_cpu_ms']:.2f}, batched "
        f"{result['batched_ms']:.2f} / {result['batched_cpu_ms']:.2f} "
        f"(x{result['per_order_ms'] / result['batched_ms']:.2f} wall)"
    )
    return result


if __name__ == "__main__":
    main()
