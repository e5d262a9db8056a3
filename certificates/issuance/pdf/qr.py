"""Box 4 of the printable certificate: the QR code a border post photographs (CONTRACT §9).

The code is printed at error-correction level M, ``QR_SIZE`` wide (at least 45 mm), as vector
squares: sharp at any zoom and identical on every run. Under it, the public page's address for
a person to type.
"""

from __future__ import annotations

import re

import zxingcpp
from fpdf import FPDF
from fpdf.enums import Align, WrapMode

from certificates.issuance.pdf.drawing import INK, MUTED, RIGHT_W, draw_box, paragraph
from certificates.issuance.pdf.fonts import FONT
from certificates.issuance.pdf.labels import Captions

__all__ = [
    "QR_ERROR_LEVEL",
    "QR_QUIET_MODULES",
    "QR_SIZE",
    "draw_official_use",
    "official_use_min_height",
    "qr_rows",
]

QR_SIZE = 66.0  # mm, quiet zone included: 1,600 characters at level M are ~0.43 mm modules
QR_QUIET_MODULES = 4  # ISO/IEC 18004 quiet zone
# M restores 15 % of the codewords; a higher level would make the modules of a full code smaller.
QR_ERROR_LEVEL = "M"
# zxing-cpp's encoder (C++, the data mask chosen by the ISO/IEC 18004 7.8.3 penalty): a 1,600-character
# code in ≈ 4 ms, where segno took ≈ 18 ms with one mask and more than a quarter of a PDF with eight.
_DARK_AS_ONE = bytes(1 if value < 128 else 0 for value in range(256))


def official_use_min_height() -> float:
    """The caption, the code (its quiet zone is its top and bottom air) and three lines under it."""
    return 5 + QR_SIZE + 8.5


def draw_official_use(
    pdf: FPDF, captions: Captions, qr_text: str, verify_url: str, area: tuple[float, float, float]
) -> None:
    """The box at ``area`` (x, y, height), the QR code of ``qr_text`` centred in it, and
    ``verify_url`` printed under the code."""
    x, y, h = area
    draw_box(pdf, x, y, RIGHT_W, h, "4", *captions.pair("official_use"), [])
    qr_x = x + (RIGHT_W - QR_SIZE) / 2
    qr_y = y + 5 + (h - official_use_min_height()) / 2
    draw_qr(pdf, qr_text, qr_x, qr_y, QR_SIZE)
    pdf.set_xy(x + 3, qr_y + QR_SIZE)
    pdf.set_text_color(*MUTED)
    pdf.set_font(FONT, "", 6)
    paragraph(pdf, RIGHT_W - 6, 2.6, captions.both("scan"), align=Align.C)
    pdf.set_x(x + 3)
    pdf.set_text_color(*INK)
    paragraph(pdf, RIGHT_W - 6, 2.6, verify_url, align=Align.C, wrapmode=WrapMode.CHAR)


def draw_qr(pdf: FPDF, data: str, x: float, y: float, size: float) -> None:
    """The QR code of ``data``, quiet zone included, in a ``size`` × ``size`` square at (x, y)."""
    rows = qr_rows(data)
    module = size / (len(rows) + 2 * QR_QUIET_MODULES)
    origin = (x + QR_QUIET_MODULES * module, y + QR_QUIET_MODULES * module)
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, size, size, style="F")
    pdf.set_fill_color(*INK)
    # The operators FPDF.rect(…, style="F") writes for each run, written at once: a code has some
    # 3,300 runs, and a call each was a seventh of a PDF's time.
    pdf._out(modules_operators(pdf, rows, origin, module))  # fpdf2 has no public raw write


def qr_rows(data: str) -> list[bytes]:
    """The modules of the QR code of ``data`` (no quiet zone), row by row, dark as 1 and light as 0."""
    symbol = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level=QR_ERROR_LEVEL)
    image = memoryview(symbol.to_image(scale=1, add_quiet_zones=False))  # type: ignore[arg-type]
    height, width = image.shape or (0, 0)
    modules = image.tobytes().translate(_DARK_AS_ONE)
    return [modules[r * width : (r + 1) * width] for r in range(height)]


def modules_operators(pdf: FPDF, rows: list[bytes], origin: tuple[float, float], module: float) -> str:
    """One filled rectangle per run of dark modules, in PDF units, as ``FPDF.rect`` formats them."""
    k, page_h, (origin_x, origin_y) = pdf.k, pdf.h, origin
    return "\n".join(
        f"{(origin_x + start * module) * k:.2f} {(page_h - (origin_y + r * module)) * k:.2f} "
        f"{length * module * k:.2f} {-module * k:.2f} re f"
        for r, row in enumerate(rows)
        for start, length in dark_runs(row)
    )


def dark_runs(row: bytes | bytearray) -> list[tuple[int, int]]:
    """(start, length) of each run of dark modules (1) in a row of 0 and 1, so a run is one rectangle."""
    return [(run.start(), run.end() - run.start()) for run in _DARK_RUN.finditer(row)]


_DARK_RUN = re.compile(b"\x01+")
