"""Printable A4 certificate (PDF), laid out like the CIS CT-1 certificate-of-origin form.

The renderer takes the certificate document (CONTRACT §1) as a plain dict and never
touches the database, so the same code serves the API, background jobs and offline tools.
Text is Russian with English or Uzbek subtitles (``labels``); DejaVu Sans is embedded (parsed
once per process, ``fonts``) so Cyrillic and Uzbek Latin (Oʻzbekiston, Gʻ) print and extract
correctly on any machine. The page and its running header and footer are ``page``; box 5, the
goods, is ``goods``; boxes 6-8 (invoice, declaration, certification) are ``closing``; box 6 stands
in the head, under box 3, beside the long QR column.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from certificates.issuance.pdf.attachments import embed_files
from certificates.issuance.pdf.closing import draw_closing, invoice_lines
from certificates.issuance.pdf.drawing import (
    ACCENT,
    LEFT_W,
    MARGIN,
    RIGHT_W,
    Line,
    box_height,
    country,
    draw_box,
    draw_lines,
    frame,
    parse_instant,
)
from certificates.issuance.pdf.fonts import fonts_embed_from_common
from certificates.issuance.pdf.goods import draw_goods
from certificates.issuance.pdf.labels import Captions
from certificates.issuance.pdf.page import CertificatePDF
from certificates.issuance.pdf.qr import draw_official_use, official_use_min_height

TRANSPORT_MODES = ("road", "rail", "air", "sea", "multimodal")
CERTIFICATE_TYPES = ("export", "import")


def certificate_pdf_render(
    *,
    document: dict[str, Any],
    verify_url: str,
    status_label: str | None = None,
    access_code: str | None = None,
    language: str = "en",
    qr_text: str | None = None,
    attachments: Mapping[str, bytes] | None = None,
) -> bytes:
    """Render the certificate document as a printable A4 PDF.

    The QR code encodes `qr_text` exactly (default: `verify_url`, which is printed under it).
    `attachments` (name → bytes) are embedded files. `status_label` (e.g. "АННУЛИРОВАН / REVOKED")
    is printed as a banner on every page. `access_code` is printed beside the number. Captions
    are Russian with `language` (`en` or `uz`) beside them. Equal inputs give equal bytes: the
    PDF's dates come from `issued_at`, not from the clock.
    """
    captions = Captions(language)
    pdf = CertificatePDF(
        document=document, verify_url=verify_url, status_label=status_label, captions=captions
    )
    embed_files(pdf, attachments or {}, modified=parse_instant(document["issued_at"]))
    pdf.add_page()
    _draw_head(pdf, document, verify_url, qr_text or verify_url, access_code)
    draw_goods(pdf, document["items"], captions)
    draw_closing(pdf, document, captions)
    fonts_embed_from_common(pdf)
    return bytes(pdf.output())


# --- head: boxes 1-4 and 6 ----------------------------------------------------------


def _draw_head(
    pdf: CertificatePDF, document: dict[str, Any], verify_url: str, qr_text: str, access_code: str | None
) -> None:
    top, c = pdf.get_y(), pdf.captions
    left = [_exporter_box(document, c), _consignee_box(document, c), _transport_box(document, c)]
    left.append(("6", *c.pair("invoice"), invoice_lines(document, c)))  # where the QR column is longer
    left_heights = [box_height(pdf, lines, LEFT_W) for _, _, _, lines in left]
    title = _title_lines(document, c, access_code)
    right_heights = [box_height(pdf, title, RIGHT_W, labelled=False), official_use_min_height()]
    _equalize(left_heights, right_heights)
    y = top
    for (number, ru, other, lines), height in zip(left, left_heights, strict=True):
        draw_box(pdf, MARGIN, y, LEFT_W, height, number, ru, other, lines)
        y += height
    frame(pdf, MARGIN + LEFT_W, top, RIGHT_W, right_heights[0])
    draw_lines(pdf, title, MARGIN + LEFT_W, top + 2.5, RIGHT_W)
    draw_official_use(
        pdf, c, qr_text, verify_url, (MARGIN + LEFT_W, top + right_heights[0], right_heights[1])
    )
    pdf.set_xy(MARGIN, y + 3)


def _equalize(left: list[float], right: list[float]) -> None:
    """Stretch the last box of the shorter column so both columns end on one line."""
    gap = sum(left) - sum(right)
    if gap > 0:
        right[-1] += gap
    else:
        left[-1] -= gap


Box = tuple[str, str, str, list[Line]]


def _party_lines(party: dict[str, Any], c: Captions) -> list[Line]:
    return [
        Line(party["name"], bold=True, size=9.5),
        Line(party.get("address") or "—", label=c.stacked("address")),
        Line(country(party.get("country", ""), second=c.second), label=c.stacked("country")),
        Line(party.get("tax_id") or "—", label=c.stacked("tax_id")),
    ]


def _exporter_box(document: dict[str, Any], c: Captions) -> Box:
    return "1", *c.pair("exporter"), _party_lines(document["exporter"], c)


def _consignee_box(document: dict[str, Any], c: Captions) -> Box:
    return "2", *c.pair("consignee"), _party_lines(document["consignee"], c)


def _transport_box(document: dict[str, Any], c: Captions) -> Box:
    transport, second = document["transport"], c.second
    route = f"{country(document['country_of_export'], second=second)}  →  "
    route += country(document["country_of_destination"], second=second)
    mode = c.both(transport["mode"]) if transport["mode"] in TRANSPORT_MODES else transport["mode"]
    lines = [
        Line(mode, label=c.stacked("mode"), bold=True),
        Line(transport.get("details") or "—", label=c.stacked("details")),
        Line(route, label=c.stacked("route")),
    ]
    return "3", *c.pair("transport"), lines


def _title_lines(document: dict[str, Any], c: Captions, access_code: str | None) -> list[Line]:
    kind = c.both(document["type"]) if document["type"] in CERTIFICATE_TYPES else document["type"]
    ru_title, other_title = c.pair("title")
    lines = [
        Line(ru_title, bold=True, size=13, color=ACCENT),
        Line(other_title, bold=True, size=8.5, color=ACCENT),
        Line(f"№ {document['number']}", bold=True, size=12),
    ]
    if access_code:
        lines.append(Line(access_code_grouped(access_code), label=c.stacked("access_code"), bold=True))
    return [
        *lines,
        Line(kind, label=c.stacked("type"), bold=True),
        Line(country(document["issuer"]["country"], second=c.second), label=c.stacked("issued_in")),
    ]


def access_code_grouped(code: str) -> str:
    """``K7QM 2XJD 4RWA 5TPZ``: groups of four are easier to type; verifiers ignore the spaces."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))
