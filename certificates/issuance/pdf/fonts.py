"""DejaVu Sans prepared once per process and handed to every PDF as a fresh copy.

``FPDF.add_font`` parses the whole TTF (cmap, the metrics of its 6,253 glyphs, their names) on
each call, and at output fontTools reads those tables again to cut the subset a PDF embeds:
together most of a certificate's rendering. Once per process, this module cuts the font down to
the scripts a certificate prints (Latin with its extensions and modifier letters such as Uzbek
ʻ, Greek, Cyrillic, Armenian, Georgian, punctuation, currency, arrows and mathematical signs),
without the shaping tables nothing here uses, and parses that. Each PDF then gets a copy of the
parsed face with what a document changes of its own: the face's index in that PDF, the glyphs it
used, and a fontTools object, reopened lazily from the prepared bytes, that output subsets in place.

Cutting a PDF's subset out of 2,699 glyphs was still a third of its cost, so a second, smaller face
is kept: the glyphs of the letters nearly every certificate prints (Latin and Cyrillic with Uzbek's
letters, punctuation, currency, arrows). A PDF that printed nothing else embeds its subset cut from
that one: the same glyphs, metrics and tables, so the same bytes, for a fraction of the work.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable
from io import BytesIO
from pathlib import Path

from fontTools import subset as ft_subset  # type: ignore[import-untyped]  # no stubs; fpdf2 uses it
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT = "DejaVuSans"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
PRINTED_BLOCKS = (
    (0x0020, 0x058F),  # Latin, IPA, modifier letters, combining marks, Greek, Cyrillic, Armenian
    (0x10A0, 0x10FF),  # Georgian
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2000, 0x23FF),  # punctuation, super/subscripts, currency, letterlike, arrows, maths, technical
    (0x2460, 0x25FF),  # enclosed alphanumerics, box drawing, blocks, geometric shapes
    (0xFB00, 0xFB06),  # Latin ligatures
    (0xFFFD, 0xFFFD),  # replacement character
)
COMMON_BLOCKS = (
    (0x0020, 0x017F),  # Basic Latin, Latin-1 (« » ×), Latin Extended-A
    (0x02B0, 0x02FF),  # modifier letters: Uzbek ʻ and ʼ
    (0x0400, 0x052F),  # Cyrillic and its supplement: Uzbek ғ қ ҳ ў
    (0x2000, 0x206F),  # general punctuation: – — … ‰
    (0x20A0, 0x20CF),  # currency
    (0x2100, 0x214F),  # letterlike: № ™
    (0x2190, 0x21FF),  # arrows: the route's →
)
# Tables for shaping and bitmaps: fpdf2 drops them from what it embeds anyway.
UNUSED_TABLES = ["GSUB", "GPOS", "GDEF", "kern", "hdmx", "FFTM", "MATH", "meta"]


def _printed_face(style: str) -> bytes:
    font = ttLib.TTFont(str(FONT_DIR / FONT_FILES[style]), recalcTimestamp=False)
    options = _cut_options()
    options.drop_tables += UNUSED_TABLES
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=[u for first, last in PRINTED_BLOCKS for u in range(first, last + 1)])
    subsetter.subset(font)
    output = BytesIO()
    font.save(output)
    return output.getvalue()


@functools.cache
def _common(style: str) -> tuple[bytes, frozenset[str]]:
    """The prepared face cut to ``COMMON_BLOCKS``'s glyphs and those they are built of, with every
    code point of each (so that a subset cut from it has the prepared face's cmap), its boxes and
    maxima left as prepared (so that it has its head, hhea and maxp)."""
    _, data = _parsed(style)
    font = ttLib.TTFont(BytesIO(data), recalcTimestamp=False, recalcBBoxes=False)
    cmap = font.getBestCmap()
    glyphs = {cmap[u] for first, last in COMMON_BLOCKS for u in range(first, last + 1) if u in cmap}
    glyphs_and_components = _face_cut(data, glyphs).getGlyphOrder()
    output = BytesIO()
    _face_cut(data, glyphs_and_components).save(output)
    return output.getvalue(), frozenset(glyphs_and_components)


def _face_cut(data: bytes, glyphs: Iterable[str]) -> ttLib.TTFont:
    font = ttLib.TTFont(BytesIO(data), recalcTimestamp=False, recalcBBoxes=False)
    subsetter = ft_subset.Subsetter(_cut_options())
    subsetter.populate(glyphs=sorted(glyphs))
    subsetter.subset(font)
    return font


def _cut_options() -> ft_subset.Options:
    """Glyph names and every name record kept: the face is cut again for each PDF."""
    options = ft_subset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True)
    options.name_IDs, options.name_languages = ["*"], ["*"]
    return options


@functools.cache
def _parsed(style: str) -> tuple[TTFFont, bytes]:
    data = _printed_face(style)
    return TTFFont(FPDF(), BytesIO(data), f"{FONT.lower()}{style}", style), data  # type: ignore[arg-type]


def fonts_install(pdf: FPDF) -> None:
    """Give ``pdf`` the regular and bold faces, as ``add_font`` would, without parsing them again."""
    for style in FONT_FILES:
        template, data = _parsed(style)
        font = copy.copy(template)
        font.i = len(pdf.fonts) + 1
        font.ttfont = _lazy_face(data)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.subset = SubsetMap(font)
        pdf.fonts[font.fontkey] = font


def fonts_embed_from_common(pdf: FPDF) -> None:
    """Just before output: each face whose glyphs the common face holds is cut from that one."""
    for style in FONT_FILES:
        template, _ = _parsed(style)
        font = pdf.fonts.get(template.fontkey)
        # Only a copy of the prepared face (it shares the template's widths) has the common face's
        # glyphs: a face added with ``add_font`` (the benchmark's "before") keeps its own.
        if not isinstance(font, TTFFont) or font.cw is not template.cw:
            continue
        data, glyphs = _common(style)
        if glyphs.issuperset(font.subset.get_all_glyph_names()):
            font.ttfont = _lazy_face(data)


def _lazy_face(data: bytes) -> ttLib.TTFont:
    # The outlines are never changed here, so their boxes stand as prepared (pyftsubset's default
    # too); recalculating them made fontTools unpack and recompile every glyph of each PDF.
    return ttLib.TTFont(BytesIO(data), recalcTimestamp=False, recalcBBoxes=False, lazy=True)


def fonts_forget() -> None:
    """Drop the prepared fonts: the next PDF prepares them again (benchmarks measure that cost)."""
    _parsed.cache_clear()
    _common.cache_clear()
