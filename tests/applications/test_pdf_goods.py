"""Box 5, the goods table, drawn from lines broken once: the same pages as fpdf2's ``table`` drew.

The reference below is the table as it was laid out with ``FPDF.table`` (the same columns, paddings,
styles, repeated heading); both are rendered to bitmaps by PDFium and compared pixel by pixel.
"""

from __future__ import annotations

import copy

import pypdfium2 as pdfium
import pytest
from fpdf.enums import Align, TableCellFillMode
from fpdf.fonts import FontFace
from PIL import Image, ImageChops

from bench.pdf_render import sample_document
from certificates.issuance.pdf import goods
from certificates.issuance.pdf.drawing import CONTENT_W, HEAD_FILL, MUTED, RULE, section_label
from certificates.issuance.pdf.fonts import FONT
from certificates.issuance.pdf.labels import Captions
from certificates.issuance.pdf.page import CertificatePDF

SCALE = 150 / 72  # 150 dpi
# Of 255. fpdf2 places its columns by summing float ratios, a fraction of a pixel from ours: their
# anti-aliased edges differ by up to 77; a stroke moved by a pixel or drawn apart differs by far more.
INK_DIFFERENCE = 128


def fpdf2_table(pdf, items, captions) -> None:
    section_label(pdf, "5", *captions.pair("goods"))
    pdf.set_font(FONT, "", 7)
    pdf.set_draw_color(*RULE)
    missing = FontFace(color=MUTED)
    with pdf.table(
        width=CONTENT_W,
        col_widths=[w for _, w, _ in goods.GOODS_COLUMNS],
        text_align=[a for _, _, a in goods.GOODS_COLUMNS],
        line_height=3.2,
        padding=(0.8, 1),
        v_align="TOP",
        headings_style=FontFace(emphasis="B", size_pt=6.5, fill_color=HEAD_FILL),
        cell_fill_mode=TableCellFillMode.NONE,
        repeat_headings=1,
    ) as table:
        heading = table.row()
        for key, _, _ in goods.GOODS_COLUMNS:
            heading.cell(captions.stacked(key), align=Align.C, v_align="MIDDLE")
        for item in items:
            row = table.row()
            row.cell(str(item["line"]))
            marks = goods.marks_and_packages(item, captions)
            row.cell(marks or captions.both("not_stated"), style=None if marks else missing)
            row.cell(item["description"])
            row.cell(item["hs_code"])
            criterion = item.get("origin_criterion")
            row.cell(criterion or captions.both("not_stated"), style=None if criterion else missing)
            for value in goods._figures(item):
                row.cell(value)
        totals = goods._totals_row(items, captions).cells
        bold = FontFace(emphasis="B", fill_color=HEAD_FILL)
        row = table.row()
        row.cell(totals[0].text, colspan=6, style=bold, align=Align.R)
        sums = FontFace(emphasis="B", fill_color=HEAD_FILL, size_pt=6.3)
        row.cell(totals[1].text, style=sums)
        row.cell(totals[2].text, style=sums)
        row.cell("", style=bold)
        row.cell(totals[4].text, style=bold)
    pdf.ln(2)


def pages(draw, document, *, start_y: float | None = None) -> list[Image.Image]:
    captions = Captions("uz")
    pdf = CertificatePDF(
        document=document, verify_url="https://e.uz/v/1", status_label=None, captions=captions
    )
    pdf.add_page()
    if start_y is not None:
        pdf.set_y(start_y)
    draw(pdf, document["items"], captions)
    pdf.set_font(FONT, "", 7)
    pdf.cell(text=f"after the table at {pdf.get_y():.2f}")  # where each leaves the position
    rendered = pdfium.PdfDocument(bytes(pdf.output()))
    return [rendered[index].render(scale=SCALE).to_pil().convert("L") for index in range(len(rendered))]


def differing_pixels(one: Image.Image, other: Image.Image) -> int:
    return sum(ImageChops.difference(one, other).histogram()[INK_DIFFERENCE + 1 :])


def assert_same_pages(document, **where) -> None:
    drawn, reference = pages(goods.draw_goods, document, **where), pages(fpdf2_table, document, **where)
    assert len(drawn) == len(reference)
    assert [differing_pixels(a, b) for a, b in zip(drawn, reference, strict=True)] == [0] * len(drawn)


@pytest.fixture
def mixed():
    document = sample_document(3)
    second, third = document["items"][1], document["items"][2]
    for column in ("origin_criterion", "packages", "marks"):
        second.pop(column)
    third.update(description="Очень длинное описание товара, " * 9, currency="EUR", marks="")
    return document


def test_a_table_of_stated_missing_and_long_columns_in_two_currencies_is_drawn_alike(mixed):
    assert_same_pages(mixed)


def test_forty_items_run_over_pages_under_the_heading_again_alike():
    assert_same_pages(sample_document(40))


def test_a_heading_with_no_room_for_a_row_below_it_starts_the_next_page_alike(mixed):
    assert_same_pages(mixed, start_y=252)


def test_a_row_that_no_longer_fits_starts_the_next_page_alike(mixed):
    taller = copy.deepcopy(mixed)
    taller["items"][0]["description"] = "Хлопковое волокно, " * 30
    assert_same_pages(taller, start_y=200)
