#!/usr/bin/env python
"""PDF rendering rate per core: fonts parsed for every PDF (before) against fonts kept per process.

    .venv/bin/python bench/pdf_render.py [--pdfs 60] [--rounds 5] [--items 3]

One process, one core, no database: ``certificate_pdf_render`` on one certificate document (the
generator's parties, ``--items`` goods items with the CT-1 columns, access code, Russian and
Uzbek). Each round times, interleaved, ``--pdfs`` renders of:

- before: the renderer as it was, ``FPDF.add_font`` on the full DejaVu Sans files for every PDF
  (``page.fonts_install`` replaced by those two calls for the round; the layout code is the same);
- after: the faces prepared once per process (``certificates/issuance/pdf/fonts.py``).

Prints the median PDFs per second of each (per second of the process's CPU time, so the figure is
one core's rate even on a shared machine), milliseconds per PDF, and their ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pdfs", type=int, default=60, help="renders per variant and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--items", type=int, default=3, help="goods items in the document")
    return parser.parse_args(argv)


def sample_document(items: int) -> dict:
    item = {
        "description": "Хлопковое волокно средневолокнистое, сорт I, тип 5, в кипах по 220 кг",
        "hs_code": "5201001000",
        "quantity": "20000.000",
        "unit": "KGM",
        "net_weight_kg": "20000.000",
        "gross_weight_kg": "20400.000",
        "value": "34000.00",
        "currency": "USD",
        "origin_country": "UZ",
        "origin_criterion": "П",
        "packages": {"count": "91", "kind": "BL"},
        "marks": "UZPX-0457 1-91",
    }
    return {
        "schema": "certsvc.certificate.v1",
        "number": "UZ-2026-EX-000123",
        "type": "export",
        "issued_at": "2026-11-28T10:15:00Z",
        "valid_from": "2026-11-28",
        "valid_until": "2027-05-27",
        "issuer": {"name": "Торгово-промышленная палата Республики Узбекистан", "country": "UZ"},
        "exporter": {
            "name": "Oʻzbekiston Paxta Eksport MChJ",
            "country": "UZ",
            "address": "100000, Toshkent sh., Amir Temur koʻchasi, 107B",
            "tax_id": "302345678",
        },
        "consignee": {
            "name": "ООО «Белтрейд»",
            "country": "BY",
            "address": "220030, г. Минск, ул. Немига, д. 40",
            "tax_id": "190123456",
        },
        "country_of_export": "UZ",
        "country_of_destination": "BY",
        "transport": {"mode": "road", "details": "Автомобиль 01 A 123 BC"},
        "invoice": {"number": "INV-2026-0457", "date": "2026-11-20"},
        "items": [{**item, "line": line} for line in range(1, items + 1)],
        "replaces": None,
    }


def rate(render: Callable[[], bytes], count: int) -> float:
    """PDFs per second of this process's CPU time: one core's rate, whatever else the machine runs."""
    started = time.process_time()
    for _ in range(count):
        render()
    return count / (time.process_time() - started)


def main(argv=None) -> dict:
    args = parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certsvc.settings")
    import django

    django.setup()
    from certificates.issuance.pdf import certificate_pdf_render, page
    from certificates.issuance.pdf.fonts import FONT, FONT_DIR, FONT_FILES, fonts_install

    def fonts_parsed_per_pdf(pdf) -> None:
        for style, name in FONT_FILES.items():
            pdf.add_font(FONT, style, str(FONT_DIR / name))

    document = sample_document(args.items)

    def render() -> bytes:
        return certificate_pdf_render(
            document=document,
            verify_url="https://certs.example.uz/v/UZ-2026-EX-000123",
            access_code="K7QM2XJD4RWA5TPZ",
            language="uz",
        )

    render()  # warm: imports, the prepared faces
    before, after = [], []
    try:
        for _ in range(args.rounds):
            page.fonts_install = fonts_parsed_per_pdf
            before.append(rate(render, args.pdfs))
            page.fonts_install = fonts_install
            after.append(rate(render, args.pdfs))
    finally:
        page.fonts_install = fonts_install
    b, a = statistics.median(before), statistics.median(after)
    size = len(render())
    print(f"items {args.items}, {args.pdfs} PDFs x {args.rounds} rounds, one core, {size} bytes per PDF")
    print(f"before (fonts parsed per PDF): {b:7.2f} PDFs/s  {1000 / b:6.1f} ms per PDF")
    print(f"after  (fonts kept):           {a:7.2f} PDFs/s  {1000 / a:6.1f} ms per PDF")
    print(f"ratio after/before: {a / b:.2f}")
    return {"before_per_s": b, "after_per_s": a, "ratio": a / b}


if __name__ == "__main__":
    main()
