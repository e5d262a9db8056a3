"""The goods spreadsheet template: the import's header row and one example line, as XLSX or CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

from certificates.applications.goods_import import GOODS_COLUMNS
from certificates.applications.uploads import CSV, XLSX

TEMPLATE_FORMATS = ("xlsx", "csv")
# One line that passes the import as it stands (the API's own example values).
EXAMPLE_ROW = {
    "description": "Cotton yarn, combed, 40 tex",
    "hs_code": "520512",
    "quantity": "1200.000",
    "unit": "KGM",
    "net_weight_kg": "1200.000",
    "gross_weight_kg": "1250.000",
    "value": "4800.00",
    "currency": "USD",
    "origin_country": "UZ",
    "origin_criterion": "П",
    "packages_count": "24",
    "packages_kind": "BL",
    "marks": "UZT-2026-001",
}


@dataclass(frozen=True)
class GoodsTemplate:
    content: bytes
    content_type: str
    filename: str


def goods_template(file_format: str = "xlsx") -> GoodsTemplate:
    """The template in ``file_format`` (``xlsx`` or ``csv``); ``ValueError`` for any other."""
    if file_format == "xlsx":
        return GoodsTemplate(_xlsx(), XLSX, "goods-template.xlsx")
    if file_format == "csv":
        return GoodsTemplate(_csv(), CSV, "goods-template.csv")
    raise ValueError(f"no goods template in {file_format!r}")


def _xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has its one sheet  # noqa: S101
    sheet.title = "goods"
    sheet.append(list(GOODS_COLUMNS))
    # Text cells: an HS code keeps its leading zeros, a decimal its exact digits.
    sheet.append([EXAMPLE_ROW[name] for name in GOODS_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2, max_row=200):
        for cell in row:
            cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv() -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(GOODS_COLUMNS)
    writer.writerow([EXAMPLE_ROW[name] for name in GOODS_COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read it as UTF-8
