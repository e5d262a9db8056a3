"""The drawing kit of the printable certificate: page geometry, colours, boxes, lines and text.

Nothing here knows the certificate's layout; ``form`` composes these pieces into CIS CT-1's boxes.
"""

from __future__ import annotations

import functools
import gettext
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import cast

import pycountry
from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, WrapMode, XPos, YPos

from certificates.issuance.pdf.fonts import FONT, fonts_install

PAGE_W, MARGIN = 210.0, 10.0
CONTENT_W = PAGE_W - 2 * MARGIN
LEFT_W = 112.0  # boxes 1-3; the right column holds the title and the QR code
RIGHT_W = CONTENT_W - LEFT_W
LABEL_W = 23.0  # caption column inside a box

INK = (0, 0, 0)
MUTED = (85, 85, 85)
RULE = (60, 60, 60)
ACCENT = (16, 52, 110)
ALERT = (180, 20, 20)
HEAD_FILL = (232, 236, 242)


@dataclass(frozen=True)
class Line:
    """One row inside a box: an optional bilingual caption and its value."""

    text: str
    label: str = ""
    bold: bool = False
    size: float = 8.5
    color: tuple[int, int, int] = INK


# --- drawing primitives ----------------------------------------------------------------


def draw_status_banner(pdf: FPDF, label: str) -> None:
    y = pdf.get_y()
    pdf.set_draw_color(*ALERT)
    pdf.set_line_width(0.6)
    pdf.rect(MARGIN, y, CONTENT_W, 8)
    pdf.set_line_width(0.2)
    pdf.set_xy(MARGIN, y + 1.2)
    text(pdf, label, size=12, bold=True, align=Align.C, color=ALERT)
    pdf.set_xy(MARGIN, y + 10)


def section_label(pdf: FPDF, number: str, ru: str, other: str) -> None:
    y = pdf.get_y()
    frame(pdf, MARGIN, y, CONTENT_W, 5.5)
    caption(pdf, MARGIN, y, number, ru, other)
    pdf.set_xy(MARGIN, y + 5.5)


def draw_box(
    pdf: FPDF, x: float, y: float, w: float, h: float, number: str, ru: str, other: str, lines: list[Line]
) -> None:
    frame(pdf, x, y, w, h)
    caption(pdf, x, y, number, ru, other)
    draw_lines(pdf, lines, x, y + 5.5, w)


def frame(pdf: FPDF, x: float, y: float, w: float, h: float) -> None:
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.3)
    pdf.rect(x, y, w, h)
    pdf.set_line_width(0.2)


def caption(pdf: FPDF, x: float, y: float, number: str, ru: str, other: str) -> None:
    pdf.set_xy(x + 1.5, y + 1.3)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 7)
    pdf.write(3, f"{number}  {ru}")
    pdf.set_text_color(*MUTED)
    pdf.set_font(FONT, "", 7)
    pdf.write(3, f" / {other}")
    pdf.set_text_color(*INK)


def draw_lines(pdf: FPDF, lines: list[Line], x: float, y: float, w: float, align: Align = Align.L) -> None:
    for line in lines:
        y += _draw_line(pdf, line, x, y, w, align)


def _draw_line(pdf: FPDF, line: Line, x: float, y: float, w: float, align: Align) -> float:
    value_x, value_w = _value_area(line, x, w)
    if line.label:
        pdf.set_xy(x + 2, y + 0.2)
        pdf.set_text_color(*MUTED)
        pdf.set_font(FONT, "", 5.8)
        paragraph(pdf, LABEL_W - 3, 2.4, line.label)
    pdf.set_xy(value_x, y)
    pdf.set_text_color(*line.color)
    pdf.set_font(FONT, "B" if line.bold else "", line.size)
    paragraph(pdf, value_w, _leading(line.size), line.text, align=align)
    pdf.set_text_color(*INK)
    return _line_height(pdf, line, w)


def _value_area(line: Line, x: float, w: float) -> tuple[float, float]:
    if line.label:
        return x + LABEL_W, w - LABEL_W - 2
    return x + 2, w - 4


def paragraph(
    pdf: FPDF, w: float, h: float, text: str, *, align: Align = Align.L, wrapmode: WrapMode = WrapMode.WORD
) -> None:
    """``text`` broken into lines ``w`` wide in the current font, one ``h`` high cell per line,
    from the current position down; as ``multi_cell`` draws it, without breaking the lines again."""
    x = pdf.get_x()
    for line in broken_lines(pdf, w, text, wrapmode):
        pdf.set_x(x)
        pdf.cell(w, h, line, align=align, new_x=XPos.LEFT, new_y=YPos.NEXT)


# Line breaking (fpdf2's, quadratic in a line's length) was most of a PDF's cost; the captions
# are the same on every certificate, and a box measures its lines before it draws them. The
# faces are the same in every PDF of a process (``fonts``), so the process remembers the lines.
# They are measured on a PDF of their own: measuring on the document would add its glyphs to the
# document's subset in an order that depended on what was remembered, and the bytes with it.
_BROKEN_LINES: dict[tuple[str, str, float, float, str, WrapMode], tuple[str, ...]] = {}
BROKEN_LINES_KEPT = 4_000
_measuring = threading.local()  # a stamped PDF is rendered while serving, on a web thread


def broken_lines(pdf: FPDF, w: float, text: str, wrapmode: WrapMode = WrapMode.WORD) -> tuple[str, ...]:
    """``text`` broken into lines ``w`` wide in ``pdf``'s current font."""
    key = (pdf.font_family, pdf.font_style, pdf.font_size_pt, w, text, wrapmode)
    if (lines := _BROKEN_LINES.get(key)) is None:
        if len(_BROKEN_LINES) >= BROKEN_LINES_KEPT:
            _BROKEN_LINES.clear()
        lines = _BROKEN_LINES[key] = _measured_lines(*key)
    return lines


def _measured_lines(
    family: str, style: str, size_pt: float, w: float, text: str, wrapmode: WrapMode
) -> tuple[str, ...]:
    if not hasattr(_measuring, "pdf"):
        _measuring.pdf = FPDF(unit="mm", format="A4")
        fonts_install(_measuring.pdf)
        _measuring.pdf.add_page()
    measuring: FPDF = _measuring.pdf
    measuring.set_font(family, style, size_pt)
    lines = measuring.multi_cell(w, 1, text, dry_run=True, output=MethodReturnValue.LINES, wrapmode=wrapmode)
    return tuple(cast(list[str], lines))  # output=LINES returns the lines; the stubs give every shape


def broken_lines_forget() -> None:
    """Drop the remembered lines: the next PDF breaks its lines afresh."""
    _BROKEN_LINES.clear()


def _line_height(pdf: FPDF, line: Line, w: float) -> float:
    _, value_w = _value_area(line, 0, w)
    pdf.set_font(FONT, "B" if line.bold else "", line.size)
    value = len(broken_lines(pdf, value_w, line.text))
    label = line.label.count("\n") + 1 if line.label else 0
    return max(value * _leading(line.size), label * 2.4) + 0.9


def box_height(pdf: FPDF, lines: list[Line], w: float, labelled: bool = True) -> float:
    caption = 5.5 if labelled else 2.5
    return caption + sum(_line_height(pdf, line, w) for line in lines) + 1.5


def _leading(size_pt: float) -> float:
    return size_pt * 0.3528 * 1.22


def text(
    pdf: FPDF,
    text: str,
    *,
    size: float,
    bold: bool = False,
    align: Align = Align.L,
    color: tuple[int, int, int] = INK,
) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*color)
    pdf.cell(w=CONTENT_W, h=_leading(size), text=text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)


# --- formatting --------------------------------------------------------------------------


@functools.cache
def _country_names(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def country(code: str, *, second: str | None = "en") -> str:
    """`UZ Узбекистан / Uzbekistan` (or `/ Oʻzbekiston`); Russian only without ``second``;
    an unknown code prints as given."""
    found = pycountry.countries.get(alpha_2=code) if code else None
    if found is None:
        return code or "—"
    russian_name = _country_names("ru").gettext(found.name)
    if second is None:
        return f"{code} {russian_name}"
    return f"{code} {russian_name} / {country_name(code, second)}"


def country_name(code: str, language: str) -> str:
    """The country's name in ``language`` (``ru``, ``uz``; English otherwise), the code when unknown."""
    found = pycountry.countries.get(alpha_2=code) if code else None
    if found is None:
        return code or "—"
    english_name = getattr(found, "common_name", None) or found.name
    if language == "en":
        return str(english_name)
    translated = _country_names(language).gettext(found.name)
    return english_name if translated == found.name and language != "ru" else translated


def parse_instant(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_instant(value: str) -> str:
    return parse_instant(value).astimezone(UTC).strftime("%d.%m.%Y %H:%M UTC")


def format_date(value: str) -> str:
    try:
        return date.fromisoformat(value).strftime("%d.%m.%Y")
    except (TypeError, ValueError):
        return value or "—"
