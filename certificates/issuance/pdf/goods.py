"""Box 5 of the printed certificate: the goods table with CT-1's columns and its totals row.

The table is drawn here rather than by fpdf2's ``table``, which broke every cell's text twice (to
size the row, then to draw it) and was a quarter of a PDF's cost: each cell's lines are broken
once, remembered per process (``drawing.broken_lines``: the ten stacked captions of the heading are
the same on every certificate), and drawn as ``multi_cell`` draws them. A row that does not fit
starts a new page under the heading again; the heading never stands alone at a page's foot.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from fpdf import FPDF
from fpdf.enums import Align

from certificates.issuance.pdf.drawing import (
    HEAD_FILL,
    INK,
    MARGIN,
    MUTED,
    RULE,
    broken_lines,
    paragraph,
    section_label,
)
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
MARKS, CRITERION = 1, 4

LINE_H = 3.2
PADDING_V = 0.8  # above and below a cell's lines; across, the cell margin of ``multi_cell``
GAP_BELOW = 2.0


@dataclass(frozen=True)
class Cell:
    text: str
    width: float
    align: Align
    bold: bool = False
    size: float = 7
    color: tuple[int, int, int] = INK
    filled: bool = False


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    centred: bool = False  # lines in the middle of the row's height; else from its top


def draw_goods(pdf: FPDF, items: list[dict[str, Any]], captions: Captions) -> None:
    section_label(pdf, "5", *captions.pair("goods"))
    pdf.set_draw_color(*RULE)
    heading = _heading(captions)
    rows = [*(_goods_row(item, captions) for item in items), _totals_row(items, captions)]
    heading_height, heights = row_height(pdf, heading), [row_height(pdf, row) for row in rows]
    if pdf.will_page_break(heading_height + heights[0]):
        pdf.add_page()
    draw_row(pdf, heading, heading_height)
    for row, height in zip(rows, heights, strict=True):
        if pdf.will_page_break(height):
            pdf.add_page()
            draw_row(pdf, heading, heading_height)
        draw_row(pdf, row, height)
    pdf.set_xy(MARGIN, pdf.get_y() + GAP_BELOW)


def draw_row(pdf: FPDF, row: Row, height: float) -> None:
    """``row``, ``height`` high (``row_height``), from the current height at the left margin; the
    position moves to the row's foot."""
    top = pdf.get_y()
    pdf.set_draw_color(*RULE)
    x = MARGIN
    for cell in row.cells:
        _draw_cell(pdf, cell, x, top, height, row.centred)
        x += cell.width
    pdf.set_xy(MARGIN, top + height)


def row_height(pdf: FPDF, row: Row) -> float:
    return max(_text_height(pdf, cell) for cell in row.cells)


def _draw_cell(pdf: FPDF, cell: Cell, x: float, top: float, height: float, centred: bool) -> None:
    if cell.filled:
        pdf.set_fill_color(*HEAD_FILL)
    pdf.rect(x, top, cell.width, height, style="DF" if cell.filled else "D")
    if not cell.text:
        return
    text_height = _text_height(pdf, cell)  # in the cell's font, which it leaves set
    pdf.set_xy(x, top + PADDING_V + ((height - text_height) / 2 if centred else 0.0))
    pdf.set_text_color(*cell.color)
    paragraph(pdf, cell.width, LINE_H, cell.text, align=cell.align)
    pdf.set_text_color(*INK)


def _text_height(pdf: FPDF, cell: Cell) -> float:
    pdf.set_font(FONT, "B" if cell.bold else "", cell.size)
    lines = len(broken_lines(pdf, cell.width, cell.text)) if cell.text else 1
    return lines * LINE_H + 2 * PADDING_V


def _heading(captions: Captions) -> Row:
    cells = (
        Cell(captions.stacked(key), width, Align.C, bold=True, size=6.5, filled=True)
        for key, width, _ in GOODS_COLUMNS
    )
    return Row(tuple(cells), centred=True)


def _goods_row(item: dict[str, Any], captions: Captions) -> Row:
    texts = (
        str(item["line"]),
        marks_and_packages(item, captions),
        item["description"],
        item["hs_code"],
        item.get("origin_criterion") or "",
        *_figures(item),
    )
    cells = [Cell(text, width, align) for text, (_, width, align) in zip(texts, GOODS_COLUMNS, strict=True)]
    for optional in (MARKS, CRITERION):  # "not stated" prints grey, so a missing column stands out
        if not cells[optional].text:
            cells[optional] = replace(cells[optional], text=captions.both("not_stated"), color=MUTED)
    return Row(tuple(cells))


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


def _totals_row(items: list[dict[str, Any]], captions: Captions) -> Row:
    values: dict[str, Decimal] = defaultdict(Decimal)
    for item in items:
        values[item["currency"]] += _decimal(item["value"])
    widths = [width for _, width, _ in GOODS_COLUMNS]
    count = captions.both("total", count=str(len(items)))
    # Sums of many items reach ten digits: a point smaller keeps them on one line in their column.
    cells = (
        Cell(count, sum(widths[:6]), Align.R, bold=True, filled=True),
        Cell(_sum(items, "net_weight_kg"), widths[6], Align.R, bold=True, size=6.3, filled=True),
        Cell(_sum(items, "gross_weight_kg"), widths[7], Align.R, bold=True, size=6.3, filled=True),
        Cell("", widths[8], Align.C, filled=True),
        Cell(
            "\n".join(f"{total} {cur}" for cur, total in sorted(values.items())),
            widths[9],
            Align.R,
            bold=True,
            filled=True,
        ),
    )
    return Row(cells)


def _sum(items: list[dict[str, Any]], key: str) -> str:
    return str(sum((_decimal(item[key]) for item in items), Decimal(0)))


def _decimal(value: str) -> Decimal:
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError):
        return Decimal(0)
