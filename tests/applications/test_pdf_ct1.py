"""The CT-1 boxes of the printed certificate, read back from the PDF's text layer.

Like test_pdf.py, nothing here touches the database: the renderer works from the document alone.
"""

import copy

import pytest

from certificates.issuance.pdf import certificate_pdf_render
from certificates.issuance.pdf.fonts import fonts_forget
from certificates.issuance.pdf.labels import CAPTIONS, Captions, status_label
from tests.applications.test_pdf import VERIFY_URL, _flat, _many_items, _page_texts
from tests.applications.test_pdf import document as document  # the fixture

ACCESS_CODE = "K7QM2XJD4RWA5TPZ"
# The boxes CT-1 has and a certificate prints, by caption key.
CT1_BOXES = [
    "exporter",
    "consignee",
    "transport",
    "goods",
    "col_marks",
    "col_description",
    "col_criterion",
    "invoice",
    "declaration",
    "certification",
]


def _stated(document: dict) -> dict:
    stated = copy.deepcopy(document)
    stated["items"][0].update(
        origin_criterion="П", packages={"count": "91", "kind": "BL"}, marks="UZPX-0457 1-91"
    )
    stated["items"][1].update(origin_criterion="Д", packages={"count": "25", "kind": "CT"})
    return stated


def _text(document: dict, **kwargs) -> str:
    pages = _page_texts(certificate_pdf_render(document=document, verify_url=VERIFY_URL, **kwargs))
    return _flat(" ".join(pages))


@pytest.mark.parametrize("language", ["en", "uz"])
def test_every_ct1_box_is_captioned_in_russian_and_the_chosen_language(document, language):
    text = _text(_stated(document), access_code=ACCESS_CODE, language=language)
    captions = Captions(language)
    for key in CT1_BOXES:
        ru, other = captions.pair(key)
        assert ru in text, key
        assert other in text, key
    other_language = "uz" if language == "en" else "en"
    assert Captions(other_language).other("declaration") not in text


def test_uzbek_pair_names_countries_in_uzbek(document):
    text = _text(document, language="uz")
    assert "UZ Узбекистан / Oʻzbekiston" in text
    assert "Arizachining deklaratsiyasi" in text
    assert "Exporter" not in text


def test_an_unknown_language_prints_russian_and_english(document):
    assert "Declaration by the exporter" in _text(document, language="fr")


def test_origin_criterion_packages_and_marks_print_per_item(document):
    text = _text(_stated(document))
    assert "UZPX-0457 1-91 91 × BL" in text
    assert "25 × CT" in text
    first_row = text[text.index("UZPX-0457") : text.index("5201001000") + 20]
    assert "П" in first_row


def test_a_missing_column_says_it_is_not_stated(document):
    text = _text(_stated(document))
    not_stated = Captions("en").both("not_stated")
    # Item 2 has no marks; item 3 states nothing: its marks cell and its criterion cell say so.
    assert text.count(not_stated) == 3
    # A narrow cell may break a long word; without spaces the words read whole.
    uzbek = _text(_stated(document), language="uz").replace(" ", "")
    assert uzbek.count("неуказано/koʻrsatilmagan") == 3


def test_a_v1_document_prints_not_stated_for_every_item(document):
    assert _text(document).count("не указано / not stated") == 2 * len(document["items"])


def test_the_access_code_is_printed_beside_the_number(document):
    text = _text(document, access_code=ACCESS_CODE)
    number_at = text.index("№ UZBY-2026-EX-000123")
    code_at = text.index("K7QM 2XJD 4RWA 5TPZ")
    assert 0 < code_at - number_at < 80
    assert "Код доступа Access code" in text
    assert "K7QM" not in _text(document)


def test_the_declaration_names_the_exporter_and_the_country_of_export(document):
    text = _text(document)
    declaration = text[text.index("Декларация заявителя") : text.index("Удостоверение")]
    assert "Oʻzbekiston Paxta Eksport MChJ" in declaration
    assert "переработке в стране: Узбекистан" in declaration
    assert "sufficiently processed in Uzbekistan" in declaration


@pytest.mark.parametrize(
    ("status", "ru"), [("revoked", "АННУЛИРОВАН"), ("superseded", "ЗАМЕНЁН"), ("exhausted", "ИСЧЕРПАН")]
)
def test_status_stamps_are_in_the_pair(status, ru):
    assert status_label(status, "en") == f"{ru} / {CAPTIONS[status][1]}"
    assert status_label(status, "uz") == f"{ru} / {CAPTIONS[status][2]}"
    assert status_label("issued", "en") is None


def test_a_40_item_certificate_runs_over_pages_with_every_item_and_the_closing_boxes(document):
    many = _many_items(_stated(document), 40)
    pages = _page_texts(certificate_pdf_render(document=many, verify_url=VERIFY_URL, access_code=ACCESS_CODE))
    assert len(pages) >= 2
    text = _flat(" ".join(pages))
    for item in many["items"]:
        assert item["hs_code"] in text
    assert "Итого: 40 поз. / Total: 40 items" in text
    assert "Удостоверение" in _flat(pages[-1])
    assert all("UZBY-2026-EX-000123" in page for page in pages)


def test_fonts_parsed_once_give_the_same_bytes_as_fonts_parsed_afresh(document):
    other = _stated(document)
    fonts_forget()
    first = certificate_pdf_render(document=document, verify_url=VERIFY_URL, access_code=ACCESS_CODE)
    certificate_pdf_render(document=other, verify_url=VERIFY_URL, language="uz")
    again = certificate_pdf_render(document=document, verify_url=VERIFY_URL, access_code=ACCESS_CODE)
    assert again == first  # nothing of one PDF's font subset leaks into the next


def test_every_caption_has_three_languages():
    assert all(len(words) == 3 and all(words) for words in CAPTIONS.values())
