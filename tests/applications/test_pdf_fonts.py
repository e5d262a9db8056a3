"""The embedded font subsets: cut from the common face when a PDF printed only its letters, with the
same bytes as when cut from the whole prepared face; cut from the whole face otherwise."""

import random
from datetime import UTC, datetime

import pytest
from fpdf import FPDF

from certificates.issuance.pdf import certificate_pdf_render, form
from certificates.issuance.pdf.fonts import (
    COMMON_BLOCKS,
    FONT,
    FONT_DIR,
    FONT_FILES,
    fonts_embed_from_common,
    fonts_install,
)
from tests.applications.test_pdf import VERIFY_URL
from tests.applications.test_pdf import document as document  # the fixture
from tests.applications.test_pdf_ct1 import ACCESS_CODE, _stated

COMMON_CODE_POINTS = [chr(u) for first, last in COMMON_BLOCKS for u in range(first, last + 1)]


def _pdf(text: str, *, from_common: bool) -> tuple[bytes, int]:
    """``text`` in both faces; the PDF's bytes and how many glyphs the face cut for it held."""
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_creation_date(datetime(2026, 11, 28, tzinfo=UTC))
    fonts_install(pdf)
    pdf.add_page()
    for style in ("", "B"):
        pdf.set_font(FONT, style, 8)
        pdf.multi_cell(180, 4, text)
    if from_common:
        fonts_embed_from_common(pdf)
    face_glyphs = len(pdf.fonts[FONT.lower()].ttfont.getGlyphOrder())
    return bytes(pdf.output()), face_glyphs


@pytest.mark.parametrize("seed", range(8))
def test_any_letters_of_the_common_face_embed_the_bytes_the_whole_face_gives(seed):
    mapped = [c for c in COMMON_CODE_POINTS if c.isprintable()]
    text = "".join(random.Random(seed).sample(mapped, 160))
    common, common_glyphs = _pdf(text, from_common=True)
    whole, whole_glyphs = _pdf(text, from_common=False)
    assert common_glyphs < whole_glyphs / 2  # the common face was cut, not the whole one
    same = common == whole  # outside the assert: pytest's diff of two PDFs takes many minutes
    assert same


def test_letters_the_common_face_holds_only_as_parts_of_others_embed_the_same_bytes():
    # Ə ə Ω ε ω ȷ lie outside COMMON_BLOCKS, but their glyphs are parts of common letters (Ǝ, Є, …)
    text = "Ə ə Ω ε ω ȷ Oʻzbekiston"
    common, common_glyphs = _pdf(text, from_common=True)
    whole, whole_glyphs = _pdf(text, from_common=False)
    assert common_glyphs < whole_glyphs / 2
    same = common == whole
    assert same  # the common face maps their code points too


def test_a_letter_outside_the_common_face_keeps_the_whole_face():
    text = "Oʻzbekiston Paxta Eksport MChJ, ООО «Белтрейд», თბილისი Ω"
    common, common_glyphs = _pdf(text, from_common=True)
    whole, whole_glyphs = _pdf(text, from_common=False)
    assert common_glyphs == whole_glyphs
    same = common == whole
    assert same


def test_a_certificate_embeds_the_same_bytes_from_either_face(document, monkeypatch):
    stated = _stated(document)
    faces_cut = []

    def embed_from_common(pdf):
        fonts_embed_from_common(pdf)
        faces_cut.extend(len(font.ttfont.getGlyphOrder()) for font in pdf.fonts.values())

    monkeypatch.setattr(form, "fonts_embed_from_common", embed_from_common)
    from_common = certificate_pdf_render(document=stated, verify_url=VERIFY_URL, access_code=ACCESS_CODE)
    assert len(faces_cut) == 2
    assert max(faces_cut) < 1500  # both faces cut from the common one
    monkeypatch.setattr(form, "fonts_embed_from_common", lambda pdf: None)
    from_whole = certificate_pdf_render(document=stated, verify_url=VERIFY_URL, access_code=ACCESS_CODE)
    same = from_common == from_whole
    assert same


def test_a_face_added_with_add_font_keeps_its_own_glyphs():
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_font(FONT, "", str(FONT_DIR / FONT_FILES[""]))
    pdf.add_page()
    pdf.set_font(FONT, "", 8)
    pdf.cell(text="Oʻzbekiston")
    added = pdf.fonts[FONT.lower()].ttfont
    fonts_embed_from_common(pdf)
    assert pdf.fonts[FONT.lower()].ttfont is added
