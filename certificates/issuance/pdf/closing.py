"""Boxes 6-8 of the printed certificate: the invoice (its lines; the head draws box 6 under box 3),
then the exporter's declaration and the certification side by side under the goods, box 8 with
the electronic-signature seal where a paper form has its stamp."""

from __future__ import annotations

from typing import Any

from fpdf import FPDF
from fpdf.enums import Align

from certificates.issuance.pdf.drawing import (
    ACCENT,
    ALERT,
    CONTENT_W,
    MARGIN,
    MUTED,
    Line,
    box_height,
    country,
    country_name,
    draw_box,
    draw_lines,
    format_date,
    format_instant,
)
from certificates.issuance.pdf.labels import Captions

DECLARATION_W = 80.0  # box 7; box 8, the wider, holds the seal
CERTIFICATION_W = CONTENT_W - DECLARATION_W
SEAL_INSET = 2.0  # mm between the seal and box 8's rules


def invoice_lines(document: dict[str, Any], c: Captions) -> list[Line]:
    invoice = document["invoice"]
    number_date = f"№ {invoice['number']} {c.both('of_date')} {format_date(invoice['date'])}"
    lines = [Line(number_date, label=c.stacked("number_date"))]
    if document.get("replaces"):
        replaced = c.both("replaces", number=document["replaces"])
        lines.append(Line(replaced, label=c.stacked("replacement"), bold=True, color=ALERT))
    return lines


def _declaration_lines(document: dict[str, Any], c: Captions) -> list[Line]:
    """CT-1 box 12: the exporter declares the goods originate in the country of export."""
    code = document["country_of_export"]
    ru = c.ru("declaration_text", country=country_name(code, "ru"))
    other = c.other("declaration_text", country=country_name(code, c.second))
    exporter = document["exporter"]
    return [
        Line(f"{ru} / {other}", size=7.5),
        Line(exporter["name"], label=c.stacked("declarant"), bold=True),
        Line(country(exporter.get("country", ""), second=c.second), label=c.stacked("country")),
        Line(c.both("declared"), size=7.5, color=MUTED),
    ]


def _certification_lines(document: dict[str, Any], c: Captions) -> list[Line]:
    """CT-1 box 11: the issuing body certifies the declaration."""
    issuer = document["issuer"]
    dates = {"start": format_date(document["valid_from"]), "end": format_date(document["valid_until"])}
    return [
        Line(c.both("certification_text"), size=7.5),
        Line(issuer["name"], label=c.stacked("issuer"), bold=True),
        Line(country(issuer["country"], second=c.second), label=c.stacked("country")),
        Line(format_instant(document["issued_at"]), label=c.stacked("date_of_issue")),
        Line(c.both("validity", **dates), label=c.stacked("valid")),
        Line(f"№ {document['number']}", label=c.stacked("number"), bold=True),
    ]


def draw_closing(pdf: FPDF, document: dict[str, Any], c: Captions) -> None:
    """Boxes 7 and 8 side by side, as CT-1 has its boxes 12 and 11; on a new page when they would
    not fit under the goods."""
    declaration, certification = _declaration_lines(document, c), _certification_lines(document, c)
    seal = _seal_lines(document, c)
    seal_h = _seal_height(pdf, seal)
    h = box_height(pdf, certification, CERTIFICATION_W) + seal_h
    h = max(h, box_height(pdf, declaration, DECLARATION_W))
    y = _room_for(pdf, h)
    draw_box(pdf, MARGIN, y, DECLARATION_W, h, "7", *c.pair("declaration"), declaration)
    x = MARGIN + DECLARATION_W
    draw_box(pdf, x, y, CERTIFICATION_W, h, "8", *c.pair("certification"), certification)
    _draw_seal(pdf, seal, (x + SEAL_INSET, y + h - seal_h, CERTIFICATION_W - 2 * SEAL_INSET, seal_h))
    pdf.set_xy(MARGIN, y + h)


def _room_for(pdf: FPDF, height: float) -> float:
    """Where a block of ``height`` starts: here, or at the top of a new page when it would not fit."""
    if pdf.get_y() + height > pdf.h - pdf.b_margin:
        pdf.add_page()
    return pdf.get_y()


def _seal_lines(document: dict[str, Any], c: Captions) -> list[Line]:
    """Two lines to a row, so the seal is no taller than its words."""
    signature = f"Ed25519 · JWS (RFC 7515) · № {document['number']}"
    return [
        Line("\n".join(c.pair("signed")), bold=True, size=7.5, color=ACCENT),
        Line(f"{document['issuer']['name']}\n{signature}", size=7, color=ACCENT),
    ]


def _seal_height(pdf: FPDF, lines: list[Line]) -> float:
    """The seal's frame: its lines with a little air, and the inset under it to box 8's rule."""
    return box_height(pdf, lines, CERTIFICATION_W - 2 * SEAL_INSET - 2, labelled=False) + SEAL_INSET


def _draw_seal(pdf: FPDF, lines: list[Line], area: tuple[float, ...]) -> None:
    """The electronic-signature statement stands in box 8 where a paper form has its stamp."""
    x, y, w, h = area
    h -= SEAL_INSET
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    pdf.rect(x, y, w, h, round_corners=True, corner_radius=2.5)
    pdf.set_line_width(0.2)
    draw_lines(pdf, lines, x + 1, y + 2, w - 2, align=Align.C)
