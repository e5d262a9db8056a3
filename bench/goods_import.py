#!/usr/bin/env python
"""Goods lines imported from a spreadsheet: 500 lines from XLSX and from CSV, through the service.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/certsvc .venv/bin/python bench/goods_import.py \
        [--lines 500] [--rounds 5]

Runs in its own database, ``<DATABASE_URL's database>_goods`` (created and migrated when missing),
in-process, on the embedded broker. Each round imports the same ``--lines`` lines into a draft
application with ``import_goods`` (read the file, check its type, parse it, validate every row
with the API's item serializer, replace the lines under the row lock, audit), once from XLSX and
once from CSV. The reference, in the same run, is ``application_update`` with the same lines
already validated: the cost of writing them, without the spreadsheet. Prints the medians, the
slowest round and the ratios; the target is under 3 s for 500 lines.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 3.0


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=500, help="goods lines per file")
    parser.add_argument("--rounds", type=int, default=5, help="imports of each format")
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="use DATABASE_URL itself, already migrated, with the caller's settings: smoke runs",
    )
    return parser.parse_args(argv)


def setup_django() -> None:
    from bench.issuance import create_database
    from bench.issuance import setup_django as issuance_setup

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/goods_import.py needs a PostgreSQL DATABASE_URL")
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_goods"
    create_database(url, name)
    issuance_setup(urlunsplit(parts._replace(path=f"/{name}")), "filesystem://localhost/")


def rows(count: int) -> list[list[str]]:
    from certificates.applications.goods_import import GOODS_COLUMNS
    from certificates.applications.goods_template import EXAMPLE_ROW

    lines = []
    for n in range(1, count + 1):
        values = {**EXAMPLE_ROW, "description": f"Cotton yarn, combed, lot {n}", "marks": f"UZT-{n:05d}"}
        lines.append([values[name] for name in GOODS_COLUMNS])
    return [list(GOODS_COLUMNS), *lines]


def xlsx_file(table: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for line in table:
        workbook.active.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_file(table: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(table)
    return ("\ufeff" + buffer.getvalue()).encode()


def draft():
    """A draft application of a benchmark exporter, with one line, and the exporter."""
    import datetime

    from certificates.accounts.models import Organization, User
    from certificates.applications.services import application_create

    organization, _ = Organization.objects.get_or_create(
        kind=Organization.Kind.EXPORTER, name="Bench goods exporter", defaults={"country": "UZ"}
    )
    user, _ = User.objects.get_or_create(
        username="bench-goods-exporter", defaults={"role": User.Role.EXPORTER, "organization": organization}
    )
    fields = {
        "type": "export",
        "consignee_name": "Minsk Trading JSC",
        "consignee_country": "BY",
        "consignee_address": "10 Nezavisimosti Ave, Minsk",
        "country_of_export": "UZ",
        "country_of_destination": "BY",
        "transport_mode": "road",
        "invoice_number": "BENCH-1",
        "invoice_date": datetime.date.today(),
    }
    return user, application_create(actor=user, fields=fields, items=[{**_item(), "description": "first"}])


def _item() -> dict:
    from decimal import Decimal

    return {
        "description": "Cotton yarn",
        "hs_code": "520512",
        "quantity": Decimal("1200.000"),
        "unit": "KGM",
        "net_weight_kg": Decimal("1200.000"),
        "gross_weight_kg": Decimal("1250.000"),
        "value": Decimal("4800.00"),
        "currency": "USD",
        "origin_country": "UZ",
    }


def measure(args: argparse.Namespace) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from certificates.applications.goods_import import goods_file_check, import_goods
    from certificates.applications.services import application_update

    table = rows(args.lines)
    files = {"xlsx": xlsx_file(table), "csv": csv_file(table)}
    user, application = draft()
    items = goods_file_check(SimpleUploadedFile("goods.csv", files["csv"]))
    timings: dict[str, list[float]] = {"xlsx": [], "csv": [], "reference": []}
    for _ in range(args.rounds):
        for kind, data in files.items():
            started = time.perf_counter()
            imported = import_goods(user, application, SimpleUploadedFile(f"goods.{kind}", data))
            timings[kind].append(time.perf_counter() - started)
            assert imported == args.lines
        started = time.perf_counter()
        application_update(application=application, actor=user, fields={}, items=items)
        timings["reference"].append(time.perf_counter() - started)
    assert application.items.count() == args.lines
    return summary(timings, args, sizes={kind: len(data) for kind, data in files.items()})


def summary(timings: dict[str, list[float]], args: argparse.Namespace, *, sizes: dict[str, int]) -> dict:
    medians = {kind: statistics.median(values) for kind, values in timings.items()}
    return {
        "lines": args.lines,
        "rounds": args.rounds,
        "bytes": sizes,
        "median_s": medians,
        "max_s": {kind: max(values) for kind, values in timings.items()},
        "ratio_to_reference": {kind: medians[kind] / medians["reference"] for kind in ("xlsx", "csv")},
        "target_met": max(max(timings["xlsx"]), max(timings["csv"])) < TARGET_SECONDS,
    }


def report(result: dict) -> str:
    lines = [f"{result['lines']} goods lines, {result['rounds']} rounds (seconds)"]
    for kind in ("xlsx", "csv", "reference"):
        ratio = result["ratio_to_reference"].get(kind)
        size = result["bytes"].get(kind)
        lines.append(
            f"  {kind:9s} median {result['median_s'][kind]:.3f}  max {result['max_s'][kind]:.3f}"
            + (f"  ×{ratio:.1f} of the reference  {size} bytes" if ratio else "")
        )
    lines.append(
        f"  target < {TARGET_SECONDS} s for every import: {'met' if result['target_met'] else 'NOT met'}"
    )
    return "\n".join(lines)


def main(argv=None) -> dict:
    args = parse_args(argv)
    if not args.in_place:
        setup_django()
    result = measure(args)
    print(report(result))
    return result


if __name__ == "__main__":
    main()
