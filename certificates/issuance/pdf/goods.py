"""Box 5 of the printed certificate: the goods table with CT-1's columns and its totals row."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any

from fpdf import FPDF
from fpdf.enums import Align, TableCellFillMode
from fpdf.fonts import FontFace
from fpdf.table import Table

from certificates.issuance.pdf.drawing import CONTENT_W, HEAD_FILL, MUTED, RULE, section_label
from certificates.issuance.pdf.fonts import FONT
from certificates.issuance.pdf.labels import Captions

# UN/ECE Rec 20 codes that exporters use most; others print as the bare code.
UNIT_NAMES = {
    "KGM": "кг",
    "TNE": "т",
    "GRM": "г",
    "H87": "шт",
    "C62": "шт",
    "LTR": "л",
    "MTQ": "м³",
    "MTK": "м²",
    "MTR": "м",
    "PR": "пар",
}

# The printed table is not GOODS_ITEM_COLUMNS: marks share a cell with the packages (CT-1 column 6),
# quantity with its unit and value with its currency; the country of origin prints as its code.
GOODS_COLUMNS = (
    ("col_line", 7, Align.C),
    ("col_marks", 21, Align.L),
    ("col_description", 39, Align.L),
    ("col_hs_code", 18, Align.C),
    ("col_criterion", 21, Align.C),  # "не указано / koʻrsatilmagan" in two lines
    ("col_quantity", 18, Align.R),
    ("col_net", 17, Align.R),
    ("col_gross", 17, Align.R),
    ("col_origin", 11, Align.C),
    ("col_value", 21, Align.R),
)

_MISSING = FontFace(color=MUTED)  # "not stated" prints grey, so a missing column stands out


def draw_goods(pdf: FPDF, items: list[dict[str, Any]], captions: Captions) -> None:
    section_label(pdf, "5", *captions.pair("goods"))
    pdf.set_font(FONT, "", 7)
    pdf.set_draw_color(*RULE)
    with pdf.table(
        width=CONTENT_W,
        col_widths=[w for _, w, _ in GOODS_COLUMNS],
        text_align=[a for _, _, a in GOODS_COLUMNS],
        line_height=3.2,
        padding=(0.8, 1),
        v_align="TOP",
        headings_style=FontFace(emphasis="B", size_pt=6.5, fill_color=HEAD_FILL),
        cell_fill_mode=TableCellFillMode.NONE,
        repeat_headings=1,
    ) as table:
        heading = table.row()
        for key, _, _ in GOODS_COLUMNS:
            heading.cell(captions.stacked(key), align=Align.C, v_align="MIDDLE")
        for item in items:
            _goods_row(table, item, captions)
        _totals_row(table, items, captions)
    pdf.ln(2)


def _goods_row(table: Table, item: dict[str, Any], captions: Captions) -> None:
    row = table.row()
    row.cell(str(item["line"]))
    marks = marks_and_packages(item, captions)
    row.cell(marks or captions.both("not_stated"), style=None if marks else _MISSING)
    row.cell(item["description"])
    row.cell(item["hs_code"])
    criterion = item.get("origin_criterion")
    row.cell(criterion or captions.both("not_stated"), style=None if criterion else _MISSING)
    for value in _figures(item):
        row.cell(value)


def _figures(item: dict[str, Any]) -> list[str]:
    return [
        f"{item['quantity']} {UNIT_NAMES.get(item['unit'], item['unit'])}",
        item["net_weight_kg"],
        item["gross_weight_kg"],
        item["origin_country"],
        f"{item['value']} {item['currency']}",
    ]


def marks_and_packages(item: dict[str, Any], captions: Captions) -> str:
    """CT-1 column 6: marks and numbers, then the number and kind of packages; what is missing
    says so once the other part is stated."""
    marks, packages = item.get("marks"), item.get("packages")
    if not marks and not packages:
        return ""
    not_stated = captions.both("not_stated")
    packed = f"{packages['count']} × {packages['kind']}" if packages else not_stated
    return f"{marks or not_stated}\n{packed}"


def _totals_row(table: Table, items: list[dict[str, Any]], captions: Captions) -> None:
    values: dict[str, Decimal] = defaultdict(Decimal)
    for item in items:
        values[item["currency"]] += _decimal(item["value"])
    bold = FontFace(emphasis="B", fill_color=HEAD_FILL)
    row = table.row()
    row.cell(captions.both("total", count=str(len(items))), colspan=6, style=bold, align=Align.R)
    # Sums of many items reach ten digits: a point smaller keeps them on one line in their column.
    sums = FontFace(emphasis="B", fill_color=HEAD_FILL, size_pt=6.3)
    row.cell(_sum(items, "net_weight_kg"), style=sums)
    row.cell(_sum(items, "gross_weight_kg"), style=sums)
    row.cell("", style=bold)
    row.cell("\n".join(f"{total} {cur}" for cur, total in sorted(values.items())), style=bold)


def _sum(items: list[dict[str, Any]], key: str) -> str:
    return str(sum((_decimal(item[key]) for item in items), Decimal(0)))


def _decimal(value: str) -> Decimal:
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError):
        return Decimal(0)
