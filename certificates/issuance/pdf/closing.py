"""Boxes 6-8 of the printed certificate: the invoice, the exporter's declaration and the
certification with the electronic-signature seal where a paper form has its stamp."""

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
    frame,
)
from certificates.issuance.pdf.labels import Captions

SEAL_W = 64.0


def _invoice_lines(document: dict[str, Any], c: Captions) -> list[Line]:
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
    invoice, declaration = _invoice_lines(document, c), _declaration_lines(document, c)
    certification = _certification_lines(document, c)
    h6, h7 = box_height(pdf, invoice, CONTENT_W), box_height(pdf, declaration, CONTENT_W)
    h8 = max(box_height(pdf, certification, CONTENT_W - SEAL_W), 40.0)
    y = _room_for(pdf, h6 + h7)
    draw_box(pdf, MARGIN, y, CONTENT_W, h6, "6", *c.pair("invoice"), invoice)
    draw_box(pdf, MARGIN, y + h6, CONTENT_W, h7, "7", *c.pair("declaration"), declaration)
    pdf.set_y(y + h6 + h7)
    y = _room_for(pdf, h8)
    draw_box(pdf, MARGIN, y, CONTENT_W - SEAL_W, h8, "8", *c.pair("certification"), certification)
    _draw_seal(pdf, document, c, (MARGIN + CONTENT_W - SEAL_W, y, SEAL_W, h8))
    pdf.set_xy(MARGIN, y + h8)


def _room_for(pdf: FPDF, height: float) -> float:
    """Where a block of ``height`` starts: here, or at the top of a new page when it would not fit."""
    if pdf.get_y() + height > pdf.h - pdf.b_margin:
        pdf.add_page()
    return pdf.get_y()


def _draw_seal(pdf: FPDF, document: dict[str, Any], c: Captions, area: tuple[float, ...]) -> None:
    """The electronic-signature statement stands where a paper form has its stamp."""
    x, y, w, h = area
    frame(pdf, x, y, w, h)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    pdf.rect(x + 4, y + 4, w - 8, h - 8, round_corners=True, corner_radius=3)
    pdf.set_line_width(0.2)
    lines = [
        *(Line(words, bold=True, size=7.5, color=ACCENT) for words in c.pair("signed")),
        Line("Ed25519 · JWS (RFC 7515)", size=6.5, color=MUTED),
        Line(document["issuer"]["name"], size=7, color=ACCENT),
        Line(f"№ {document['number']}", bold=True, size=7.5, color=ACCENT),
    ]
    inner = box_height(pdf, lines, w - 10, labelled=False) - 4
    draw_lines(pdf, lines, x + 5, y + (h - inner) / 2, w - 10, align=Align.C)
