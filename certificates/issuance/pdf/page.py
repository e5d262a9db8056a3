"""The PDF pages of a certificate: A4, the embedded fonts, metadata, running header and footer."""

from __future__ import annotations

from typing import Any

from fpdf import FPDF
from fpdf.enums import Align

from certificates.issuance.pdf.drawing import (
    MARGIN,
    PAGE_W,
    RULE,
    draw_status_banner,
    parse_instant,
    text,
)
from certificates.issuance.pdf.fonts import fonts_install
from certificates.issuance.pdf.labels import Captions


class CertificatePDF(FPDF):
    """One certificate's pages; every page after the first says it continues, every page the stamp."""

    def __init__(
        self, *, document: dict[str, Any], verify_url: str, status_label: str | None, captions: Captions
    ) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.number = document["number"]
        self.verify_url = verify_url
        self.status_label = status_label
        self.captions = captions
        fonts_install(self)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=16)
        self._set_metadata(document)

    def _set_metadata(self, document: dict[str, Any]) -> None:
        c = self.captions
        self.set_creation_date(parse_instant(document["issued_at"]))
        self.set_title(f"{c.ru('certificate_no')} {self.number} / {c.other('certificate_no')} {self.number}")
        self.set_author(document["issuer"]["name"])
        self.set_subject(c.both(document["type"]) if document["type"] in ("export", "import") else "")
        self.set_creator("certsvc")
        self.set_lang("ru")

    def header(self) -> None:
        if self.page_no() > 1:
            c = self.captions
            continued = f"{c.ru('certificate_no')} {self.number} — {c.both('continued')}"
            text(self, continued, size=8, bold=True)
            self.set_draw_color(*RULE)
            self.line(MARGIN, MARGIN + 5, PAGE_W - MARGIN, MARGIN + 5)
            self.set_y(MARGIN + 7)
        if self.status_label:
            draw_status_banner(self, self.status_label)

    def footer(self) -> None:
        c = self.captions
        self.set_y(-13)
        self.set_draw_color(*RULE)
        self.line(MARGIN, self.get_y(), PAGE_W - MARGIN, self.get_y())
        self.set_y(-12)
        text(
            self, f"{c.ru('certificate_no')} {self.number} · {c.both('verify')}: {self.verify_url}", size=6.5
        )
        self.set_xy(MARGIN, -12)
        values = {"page": str(self.page_no()), "pages": "{nb}"}
        text(self, c.both("page", **values), size=6.5, align=Align.R)
