"""Printable A4 certificate (PDF), laid out like the CIS CT-1 certificate-of-origin form.

The renderer takes the certificate document (CONTRACT §1) as a plain dict and never
touches the database, so the same code serves the API, background jobs and offline tools.
Text is Russian with English subtitles; DejaVu Sans is embedded so Cyrillic and Uzbek
Latin (Oʻzbekiston, Gʻ) print and extract correctly on any machine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from fpdf import FPDF
from fpdf.enums import Align, TableCellFillMode
from fpdf.fonts import FontFace
from fpdf.table import Table

from certificates.issuance.pdf.attachments import embed_files
from certificates.issuance.pdf.drawing import (
    ACCENT,
    ALERT,
    CONTENT_W,
    FONT,
    FONT_DIR,
    HEAD_FILL,
    LEFT_W,
    MARGIN,
    MUTED,
    PAGE_W,
    RIGHT_W,
    RULE,
    Line,
    box_height,
    country,
    draw_box,
    draw_lines,
    draw_status_banner,
    format_date,
    format_instant,
    frame,
    parse_instant,
    section_label,
    text,
)
from certificates.issuance.pdf.qr import draw_official_use, official_use_min_height

TRANSPORT_MODES = {
    "road": "Автомобильный / Road",
    "rail": "Железнодорожный / Rail",
    "air": "Воздушный / Air",
    "sea": "Морской / Sea",
    "multimodal": "Мультимодальный / Multimodal",
}
CERTIFICATE_TYPES = {"export": "Экспорт / Export", "import": "Импорт / Import"}
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

# The printed table is not GOODS_ITEM_COLUMNS: quantity shares a cell with its unit and value with
# its currency, and the origin comes before the value as on the CT-1 form.
GOODS_COLUMNS = (
    ("№\nNo.", 9, Align.C),
    ("Описание товара\nDescription of goods", 47, Align.L),
    ("Код ТН ВЭД\nHS code", 19, Align.C),
    ("Количество\nQuantity", 22, Align.R),
    ("Нетто, кг\nNet, kg", 21, Align.R),
    ("Брутто, кг\nGross, kg", 21, Align.R),
    ("Страна происх.\nOrigin", 23, Align.L),
    ("Стоимость\nValue", 28, Align.R),
)


def certificate_pdf_render(
    *,
    document: dict[str, Any],
    verify_url: str,
    status_label: str | None = None,
    qr_text: str | None = None,
    attachments: Mapping[str, bytes] | None = None,
) -> bytes:
    """Render the certificate document as a printable A4 PDF.

    The QR code encodes `qr_text` exactly (default: `verify_url`, which is printed under it).
    `status_label` (e.g. "АННУЛИРОВАН / REVOKED") is printed as a banner on every page.
    `attachments` (name → bytes) are embedded files. Equal inputs give equal bytes: the PDF's
    dates come from `issued_at`, not from the clock.
    """
    pdf = _CertificatePDF(document=document, verify_url=verify_url, status_label=status_label)
    embed_files(pdf, attachments or {}, modified=parse_instant(document["issued_at"]))
    pdf.add_page()
    _draw_head(pdf, document, verify_url, qr_text or verify_url)
    _draw_goods(pdf, document["items"])
    _draw_closing(pdf, document)
    return bytes(pdf.output())


class _CertificatePDF(FPDF):
    def __init__(self, *, document: dict[str, Any], verify_url: str, status_label: str | None) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.number = document["number"]
        self.verify_url = verify_url
        self.status_label = status_label
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=16)
        self._set_metadata(document)

    def _set_metadata(self, document: dict[str, Any]) -> None:
        self.set_creation_date(parse_instant(document["issued_at"]))
        self.set_title(f"Сертификат № {self.number} / Certificate No. {self.number}")
        self.set_author(document["issuer"]["name"])
        self.set_subject(CERTIFICATE_TYPES.get(document["type"], document["type"]))
        self.set_creator("certsvc")
        self.set_lang("ru")

    def header(self) -> None:
        if self.page_no() > 1:
            text(self, f"Сертификат № {self.number} — продолжение / continued", size=8, bold=True)
            self.set_draw_color(*RULE)
            self.line(MARGIN, MARGIN + 5, PAGE_W - MARGIN, MARGIN + 5)
            self.set_y(MARGIN + 7)
        if self.status_label:
            draw_status_banner(self, self.status_label)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_draw_color(*RULE)
        self.line(MARGIN, self.get_y(), PAGE_W - MARGIN, self.get_y())
        self.set_y(-12)
        text(self, f"Сертификат № {self.number} · Проверка / Verify: {self.verify_url}", size=6.5)
        self.set_xy(MARGIN, -12)
        page = f"Стр. {self.page_no()} из {{nb}} / Page {self.page_no()} of {{nb}}"
        text(self, page, size=6.5, align=Align.R)


# --- head: boxes 1-4 -------------------------------------------------------------------


def _draw_head(pdf: FPDF, document: dict[str, Any], verify_url: str, qr_text: str) -> None:
    top = pdf.get_y()
    left = [_exporter_box(document), _consignee_box(document), _transport_box(document)]
    left_heights = [box_height(pdf, lines, LEFT_W) for _, _, _, lines in left]
    right_heights = [_title_height(pdf, document), official_use_min_height()]
    _equalize(left_heights, right_heights)
    y = top
    for (number, ru, en, lines), height in zip(left, left_heights, strict=True):
        draw_box(pdf, MARGIN, y, LEFT_W, height, number, ru, en, lines)
        y += height
    _draw_title(pdf, document, MARGIN + LEFT_W, top, right_heights[0])
    draw_official_use(pdf, qr_text, verify_url, MARGIN + LEFT_W, top + right_heights[0], right_heights[1])
    pdf.set_xy(MARGIN, y + 3)


def _equalize(left: list[float], right: list[float]) -> None:
    """Stretch the last box of the shorter column so both columns end on one line."""
    gap = sum(left) - sum(right)
    if gap > 0:
        right[-1] += gap
    else:
        left[-1] -= gap


def _party_lines(party: dict[str, Any]) -> list[Line]:
    return [
        Line(party["name"], bold=True, size=9.5),
        Line(party.get("address") or "—", label="Адрес\nAddress"),
        Line(country(party.get("country", "")), label="Страна\nCountry"),
        Line(party.get("tax_id") or "—", label="ИНН\nTax ID"),
    ]


def _exporter_box(document: dict[str, Any]) -> tuple[str, str, str, list[Line]]:
    return "1", "Экспортер", "Exporter", _party_lines(document["exporter"])


def _consignee_box(document: dict[str, Any]) -> tuple[str, str, str, list[Line]]:
    return "2", "Грузополучатель", "Consignee", _party_lines(document["consignee"])


def _transport_box(document: dict[str, Any]) -> tuple[str, str, str, list[Line]]:
    transport = document["transport"]
    route = f"{country(document['country_of_export'])}  →  {country(document['country_of_destination'])}"
    lines = [
        Line(TRANSPORT_MODES.get(transport["mode"], transport["mode"]), label="Вид\nMode", bold=True),
        Line(transport.get("details") or "—", label="Сведения\nDetails"),
        Line(route, label="Маршрут\nRoute"),
    ]
    return "3", "Средства транспорта и маршрут", "Means of transport and route", lines


def _title_lines(document: dict[str, Any]) -> list[Line]:
    return [
        Line("СЕРТИФИКАТ НА ТОВАРЫ", bold=True, size=13, color=ACCENT),
        Line("CERTIFICATE OF GOODS", bold=True, size=8.5, color=ACCENT),
        Line(f"№ {document['number']}", bold=True, size=12),
        Line(CERTIFICATE_TYPES.get(document["type"], document["type"]), label="Вид\nType", bold=True),
        Line(country(document["issuer"]["country"]), label="Выдан в\nIssued in"),
    ]


def _title_height(pdf: FPDF, document: dict[str, Any]) -> float:
    return box_height(pdf, _title_lines(document), RIGHT_W, labelled=False)


def _draw_title(pdf: FPDF, document: dict[str, Any], x: float, y: float, h: float) -> None:
    frame(pdf, x, y, RIGHT_W, h)
    draw_lines(pdf, _title_lines(document), x, y + 2.5, RIGHT_W)


# --- box 5: goods table ----------------------------------------------------------------


def _draw_goods(pdf: FPDF, items: list[dict[str, Any]]) -> None:
    section_label(pdf, "5", "Товары", "Goods")
    pdf.set_font(FONT, "", 7)
    pdf.set_draw_color(*RULE)
    with pdf.table(
        width=CONTENT_W,
        col_widths=[w for _, w, _ in GOODS_COLUMNS],
        text_align=[a for _, _, a in GOODS_COLUMNS],
        line_height=3.2,
        padding=(1, 1.2),
        v_align="TOP",
        headings_style=FontFace(emphasis="B", size_pt=6.8, fill_color=HEAD_FILL),
        cell_fill_mode=TableCellFillMode.NONE,
        repeat_headings=1,
    ) as table:
        heading = table.row()
        for title, _, _ in GOODS_COLUMNS:
            heading.cell(title, align=Align.C, v_align="MIDDLE")
        for item in items:
            table.row(_goods_cells(item))
        _totals_row(table, items)
    pdf.ln(3)


def _goods_cells(item: dict[str, Any]) -> list[str]:
    return [
        str(item["line"]),
        item["description"],
        item["hs_code"],
        f"{item['quantity']} {UNIT_NAMES.get(item['unit'], item['unit'])}",
        item["net_weight_kg"],
        item["gross_weight_kg"],
        country(item["origin_country"], english=False),
        f"{item['value']} {item['currency']}",
    ]


def _totals_row(table: Table, items: list[dict[str, Any]]) -> None:
    values: dict[str, Decimal] = defaultdict(Decimal)
    for item in items:
        values[item["currency"]] += _decimal(item["value"])
    bold = FontFace(emphasis="B", fill_color=HEAD_FILL)
    row = table.row()
    row.cell(f"Итого / Total: {len(items)} поз. / items", colspan=4, style=bold, align=Align.R)
    row.cell(_sum(items, "net_weight_kg"), style=bold)
    row.cell(_sum(items, "gross_weight_kg"), style=bold)
    row.cell("", style=bold)
    row.cell("\n".join(f"{total} {cur}" for cur, total in sorted(values.items())), style=bold)


def _sum(items: list[dict[str, Any]], key: str) -> str:
    return str(sum((_decimal(item[key]) for item in items), Decimal(0)))


def _decimal(value: str) -> Decimal:
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError):
        return Decimal(0)


# --- boxes 6-7: invoice, replacement, certification ------------------------------------


def _invoice_lines(document: dict[str, Any]) -> list[Line]:
    invoice = document["invoice"]
    lines = [
        Line(f"№ {invoice['number']} от / of {format_date(invoice['date'])}", label="Номер, дата\nNo., date"),
    ]
    if document.get("replaces"):
        text = (
            f"Выдан взамен сертификата № {document['replaces']} / "
            f"Replaces certificate No. {document['replaces']}"
        )
        lines.append(Line(text, label="Замена\nReplacement", bold=True, color=ALERT))
    return lines


def _certification_lines(document: dict[str, Any]) -> list[Line]:
    issuer = document["issuer"]
    validity = f"с {format_date(document['valid_from'])} по {format_date(document['valid_until'])}"
    validity_en = f"from {format_date(document['valid_from'])} to {format_date(document['valid_until'])}"
    return [
        Line(
            "Настоящим удостоверяется, что сведения, указанные в сертификате, соответствуют "
            "представленным документам. / It is hereby certified that the particulars in this "
            "certificate correspond to the documents submitted.",
            size=7.5,
        ),
        Line(issuer["name"], label="Орган\nIssuer", bold=True),
        Line(country(issuer["country"]), label="Страна\nCountry"),
        Line(format_instant(document["issued_at"]), label="Дата выдачи\nDate of issue"),
        Line(f"{validity} / {validity_en}", label="Действителен\nValid"),
        Line(f"№ {document['number']}", label="Номер\nNumber", bold=True),
    ]


def _draw_closing(pdf: FPDF, document: dict[str, Any]) -> None:
    invoice = _invoice_lines(document)
    certification = _certification_lines(document)
    seal_w = 64.0
    h6 = box_height(pdf, invoice, CONTENT_W)
    h7 = max(box_height(pdf, certification, CONTENT_W - seal_w), 40.0)
    if pdf.get_y() + h6 + h7 > pdf.h - pdf.b_margin:
        pdf.add_page()
    y = pdf.get_y()
    draw_box(pdf, MARGIN, y, CONTENT_W, h6, "6", "Счёт-фактура", "Commercial invoice", invoice)
    y += h6
    draw_box(pdf, MARGIN, y, CONTENT_W - seal_w, h7, "7", "Удостоверение", "Certification", certification)
    _draw_seal(pdf, document, MARGIN + CONTENT_W - seal_w, y, seal_w, h7)
    pdf.set_xy(MARGIN, y + h7)


def _draw_seal(pdf: FPDF, document: dict[str, Any], x: float, y: float, w: float, h: float) -> None:
    """The electronic-signature statement stands where a paper form has its stamp."""
    frame(pdf, x, y, w, h)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    pdf.rect(x + 4, y + 4, w - 8, h - 8, round_corners=True, corner_radius=3)
    pdf.set_line_width(0.2)
    lines = [
        Line("ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ", bold=True, size=7.5, color=ACCENT),
        Line("ELECTRONICALLY SIGNED", bold=True, size=7.5, color=ACCENT),
        Line("Ed25519 · JWS (RFC 7515)", size=6.5, color=MUTED),
        Line(document["issuer"]["name"], size=7, color=ACCENT),
        Line(f"№ {document['number']}", bold=True, size=7.5, color=ACCENT),
    ]
    inner = box_height(pdf, lines, w - 10, labelled=False) - 4
    draw_lines(pdf, lines, x + 5, y + (h - inner) / 2, w - 10, align=Align.C)
