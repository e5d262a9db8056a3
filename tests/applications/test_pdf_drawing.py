"""The drawing kit: paragraphs broken once per process and drawn as ``multi_cell`` draws them, and the
QR code written in one go as ``FPDF.rect`` would write it."""

import pytest
import segno
import zxingcpp
from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos
from PIL import Image

from certificates.issuance.pdf import certificate_pdf_render, drawing
from certificates.issuance.pdf.drawing import INK, broken_lines, broken_lines_forget, paragraph
from certificates.issuance.pdf.fonts import FONT, fonts_install
from certificates.issuance.pdf.qr import QR_QUIET_MODULES, QR_SIZE, draw_qr, qr_rows
from tests.applications.test_pdf import VERIFY_URL
from tests.applications.test_pdf import document as document  # the fixture
from tests.applications.test_pdf_ct1 import ACCESS_CODE, _stated

ADDRESS = (
    "Ташкентская область, г. Чирчик, ул. Амира Темура, 45 / "
    "Toshkent viloyati, Chirchiq shahri, Amir Temur koʻchasi 45\nИНН 301234567"
)


def _page(draw) -> tuple[tuple[float, float], bytes]:
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_compression(False)
    fonts_install(pdf)
    pdf.add_page()
    pdf.set_font(FONT, "", 7)
    pdf.set_xy(20, 30)
    draw(pdf)
    return (pdf.get_x(), pdf.get_y()), bytes(pdf.pages[1].contents)


@pytest.mark.parametrize("align", [Align.L, Align.C])
@pytest.mark.parametrize("wrapmode", [WrapMode.WORD, WrapMode.CHAR])
def test_a_paragraph_draws_the_same_page_as_multi_cell_and_ends_where_it_does(align, wrapmode):
    broken_lines_forget()
    by_multi_cell = _page(
        lambda pdf: pdf.multi_cell(40, 3, ADDRESS, align=align, wrapmode=wrapmode, new_x=XPos.LEFT)
    )
    first, remembered = (
        _page(lambda pdf: paragraph(pdf, 40, 3, ADDRESS, align=align, wrapmode=wrapmode)) for _ in range(2)
    )

    assert first == remembered == by_multi_cell
    assert by_multi_cell[0][1] > 30 + 3 * 3  # the address did run over several lines


def test_remembered_lines_give_the_same_bytes_as_lines_broken_afresh(document):
    broken_lines_forget()
    first = certificate_pdf_render(document=document, verify_url=VERIFY_URL, access_code=ACCESS_CODE)
    certificate_pdf_render(document=_stated(document), verify_url=VERIFY_URL, language="uz")
    again = certificate_pdf_render(document=document, verify_url=VERIFY_URL, access_code=ACCESS_CODE)

    assert again == first


def test_the_lines_a_font_size_or_width_breaks_differently_are_remembered_apart():
    pdf = FPDF(unit="mm", format="A4")
    fonts_install(pdf)
    pdf.add_page()
    pdf.set_font(FONT, "", 7)
    narrow, wide = broken_lines(pdf, 30, ADDRESS), broken_lines(pdf, 80, ADDRESS)
    pdf.set_font(FONT, "B", 12)
    bold = broken_lines(pdf, 80, ADDRESS)

    assert len(narrow) > len(wide)
    assert len(bold) > len(wide)
    assert "".join(narrow).replace(" ", "") == "".join(bold).replace(" ", "")


def test_the_remembered_lines_stay_within_their_bound(monkeypatch):
    monkeypatch.setattr(drawing, "BROKEN_LINES_KEPT", 3)
    broken_lines_forget()
    pdf = FPDF(unit="mm", format="A4")
    fonts_install(pdf)
    pdf.add_page()
    pdf.set_font(FONT, "", 7)
    for n in range(10):
        broken_lines(pdf, 40, f"{ADDRESS} {n}")

    assert 0 < len(drawing._BROKEN_LINES) <= 3


def test_the_qr_code_writes_the_same_page_as_one_rect_call_per_run_of_dark_modules():
    text = "https://certs.example.uz/v/UZ-2026-EX-000123?k=K7QM2XJD4RWA5TPZ#z=" + "Ab9-_" * 300
    rows = qr_rows(text)
    module = QR_SIZE / (len(rows) + 2 * QR_QUIET_MODULES)

    def rect_by_rect(pdf: FPDF) -> None:
        pdf.set_fill_color(255, 255, 255)
        pdf.rect(120, 40, QR_SIZE, QR_SIZE, style="F")
        pdf.set_fill_color(*INK)
        for r, row in enumerate(rows):
            dark = [c for c, value in enumerate(row) if value]
            runs = [[c, 1] for c in dark if c - 1 not in dark]
            for run in runs:
                while run[0] + run[1] in dark:
                    run[1] += 1
            for start, length in runs:
                x, y = 120 + (QR_QUIET_MODULES + start) * module, 40 + (QR_QUIET_MODULES + r) * module
                pdf.rect(x, y, length * module, module, style="F")

    one_write, by_rect = _page(lambda pdf: draw_qr(pdf, text, 120, 40, QR_SIZE)), _page(rect_by_rect)
    same_page = one_write == by_rect  # compared outside assert: a diff of two 170 KB pages takes minutes
    assert same_page, "the page differs from the one FPDF.rect draws"
    assert one_write[1].count(b" re f") > 3_000


@pytest.mark.parametrize("length", [40, 700, 1_600])
def test_the_qr_modules_read_back_as_the_text_at_level_m_in_the_version_segno_would_choose(length):
    text = ("https://certs.example.uz/v/UZ-2026-EX-000123?k=K7QM2XJD4RWA5TPZ#z=" + "Ab9-_" * 400)[:length]
    rows = qr_rows(text)
    side = len(rows) + 2 * QR_QUIET_MODULES
    image = Image.new("L", (side, side), 255)
    image.putdata([0 if module else 255 for row in _quiet(rows) for module in row])
    (barcode,) = zxingcpp.read_barcodes(
        image.resize((side * 4, side * 4), Image.NEAREST), formats=zxingcpp.BarcodeFormat.QRCode
    )
    assert barcode.text == text
    assert barcode.ec_level == "M"
    assert barcode.format == zxingcpp.BarcodeFormat.QRCode
    assert len(rows) == segno.make(text, error="m", boost_error=False, micro=False).symbol_size(border=0)[0]


def _quiet(rows: list[bytes]) -> list[bytes]:
    blank = bytes(len(rows) + 2 * QR_QUIET_MODULES)
    edge = bytes(QR_QUIET_MODULES)
    return [blank] * QR_QUIET_MODULES + [edge + row + edge for row in rows] + [blank] * QR_QUIET_MODULES
