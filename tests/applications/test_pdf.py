"""The printable certificate, read back the way a person and a phone read it.

No test here requests the `db` fixture: pytest-django refuses any query, which proves
the renderer works from the document dict alone.
"""

import copy
import re

import pypdfium2 as pdfium
import pytest
import zxingcpp

from certificates.issuance.pdf import certificate_pdf_render

VERIFY_URL = "https://certs.example.uz/v/UZBY-2026-EX-000123"
RENDER_SCALE = 200 / 72  # 200 dpi

BOX_TITLES = [
    "Экспортер",
    "Exporter",
    "Грузополучатель",
    "Consignee",
    "Средства транспорта и маршрут",
    "Means of transport and route",
    "Для служебных отметок",
    "For official use",
    "Описание товара",
    "Description of goods",
    "Код ТН ВЭД",
    "HS code",
    "Счёт-фактура",
    "Удостоверение",
    "Certification",
    "ELECTRONICALLY SIGNED",
]


def _item(
    line: int, description: str, hs_code: str, quantity: str, unit: str, net: str, gross: str, value: str
):
    return {
        "line": line,
        "description": description,
        "hs_code": hs_code,
        "quantity": quantity,
        "unit": unit,
        "net_weight_kg": net,
        "gross_weight_kg": gross,
        "value": value,
        "currency": "USD",
        "origin_country": "UZ",
    }


@pytest.fixture
def document():
    return {
        "schema": "certsvc.certificate.v1",
        "number": "UZBY-2026-EX-000123",
        "type": "export",
        "issued_at": "2026-11-28T10:15:00Z",
        "valid_from": "2026-11-28",
        "valid_until": "2027-05-27",
        "issuer": {"name": "Торгово-промышленная палата Республики Узбекистан", "country": "UZ"},
        "exporter": {
            "name": "Oʻzbekiston Paxta Eksport MChJ",
            "country": "UZ",
            "address": "100000, Toshkent sh., Amir Temur koʻchasi, 107B, Gʻafur Gʻulom mavzesi",
            "tax_id": "302345678",
        },
        "consignee": {
            "name": "ООО «Белтрейд»",
            "country": "BY",
            "address": "220030, г. Минск, ул. Немига, д. 40, офис 512",
            "tax_id": "190123456",
        },
        "country_of_export": "UZ",
        "country_of_destination": "BY",
        "transport": {"mode": "road", "details": "Автомобиль 01 A 123 BC, полуприцеп 01 4567 AA"},
        "invoice": {"number": "INV-2026-0457", "date": "2026-11-20"},
        "items": [
            _item(
                1,
                "Хлопковое волокно средневолокнистое, сорт I, тип 5, в кипах по 220 кг, урожай 2026 года",
                "5201001000",
                "20000.000",
                "KGM",
                "20000.000",
                "20400.000",
                "34000.00",
            ),
            _item(
                2,
                "Пряжа хлопчатобумажная кардная, 20 текс",
                "520512",
                "5000.000",
                "KGM",
                "5000.000",
                "5150.000",
                "18500.00",
            ),
            _item(
                3,
                "Ткань хлопчатобумажная суровая (бязь), ширина 220 см",
                "52081100",
                "12000",
                "MTK",
                "1450.500",
                "1520.000",
                "9600.00",
            ),
        ],
        "replaces": None,
    }


def _many_items(document: dict, count: int) -> dict:
    many = copy.deepcopy(document)
    templates = document["items"]
    many["items"] = [
        {**templates[i % len(templates)], "line": i + 1, "hs_code": f"{5201000000 + i:010d}"}
        for i in range(count)
    ]
    return many


def _page_texts(pdf_bytes: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(pdf_bytes)
    return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]


def _flat(text: str) -> str:
    """Text with line breaks and runs of spaces collapsed, so wrapped phrases compare whole."""
    return re.sub(r"\s+", " ", text)


def test_qr_code_on_first_page_decodes_to_the_exact_verify_url(document):
    pdf = pdfium.PdfDocument(certificate_pdf_render(document=document, verify_url=VERIFY_URL))
    image = pdf[0].render(scale=RENDER_SCALE).to_pil()

    decoded = [barcode.text for barcode in zxingcpp.read_barcodes(image)]

    assert decoded == [VERIFY_URL]


def test_verify_url_is_printed_under_the_qr_code(document):
    (text,) = _page_texts(certificate_pdf_render(document=document, verify_url=VERIFY_URL))

    assert VERIFY_URL in text


def test_text_layer_holds_number_parties_and_every_hs_code(document):
    (text,) = _page_texts(certificate_pdf_render(document=document, verify_url=VERIFY_URL))
    flat = _flat(text)

    assert "UZBY-2026-EX-000123" in text
    assert "Oʻzbekiston Paxta Eksport MChJ" in text
    assert "Gʻafur Gʻulom" in flat
    assert "ООО «Белтрейд»" in text
    assert "Торгово-промышленная палата Республики Узбекистан" in flat
    for item in document["items"]:
        assert item["hs_code"] in text
        assert item["description"] in flat


def test_boxes_carry_russian_titles_with_english_subtitles(document):
    (text,) = _page_texts(certificate_pdf_render(document=document, verify_url=VERIFY_URL))
    flat = _flat(text)

    missing = [title for title in BOX_TITLES if title not in flat]

    assert missing == []


def test_countries_route_transport_invoice_and_dates_are_printed(document):
    (text,) = _page_texts(certificate_pdf_render(document=document, verify_url=VERIFY_URL))
    flat = _flat(text)

    assert "UZ Узбекистан / Uzbekistan → BY Беларусь / Belarus" in flat
    assert "Автомобильный / Road" in flat
    assert "INV-2026-0457" in flat
    assert "20.11.2026" in flat
    assert "28.11.2026 10:15 UTC" in flat
    assert "27.05.2027" in flat


def test_long_description_wraps_inside_its_cell_without_losing_words(document):
    long_description = " ".join(["Хлопковое волокно средневолокнистое в кипах, сорт I, тип 5"] * 6)
    document["items"][0]["description"] = long_description

    # The table stays on the first page; the certification box may move to the next one.
    text = _page_texts(certificate_pdf_render(document=document, verify_url=VERIFY_URL))[0]

    assert long_description in _flat(text)


def test_replacement_line_names_the_replaced_certificate(document):
    document["replaces"] = "UZBY-2026-EX-000101"

    (text,) = _page_texts(certificate_pdf_render(document=document, verify_url=VERIFY_URL))

    assert "Выдан взамен сертификата № UZBY-2026-EX-000101" in _flat(text)
    assert "Replaces certificate No. UZBY-2026-EX-000101" in _flat(text)


def test_certificate_that_replaces_nothing_has_no_replacement_line(document):
    (text,) = _page_texts(certificate_pdf_render(document=document, verify_url=VERIFY_URL))

    assert "взамен" not in text
    assert "Replaces" not in text


def test_status_label_is_printed_on_every_page(document):
    many = _many_items(document, 60)

    texts = _page_texts(
        certificate_pdf_render(document=many, verify_url=VERIFY_URL, status_label="АННУЛИРОВАН")
    )

    assert len(texts) > 1
    assert all("АННУЛИРОВАН" in text for text in texts)


def test_many_items_continue_on_further_pages_with_the_header_repeated(document):
    many = _many_items(document, 120)

    texts = _page_texts(certificate_pdf_render(document=many, verify_url=VERIFY_URL))
    everything = "\n".join(texts)
    pages_with_goods = [text for text in texts if re.search(r"\b52010\d{5}\b", text)]

    assert len(texts) >= 3
    assert [item["hs_code"] for item in many["items"] if item["hs_code"] not in everything] == []
    assert all("Описание товара" in text and "Description of goods" in text for text in pages_with_goods)
    assert len(pages_with_goods) >= 3
    assert f"of {len(texts)}" in texts[-1]


def test_totals_row_sums_weights_and_values(document):
    (text,) = _page_texts(certificate_pdf_render(document=document, verify_url=VERIFY_URL))
    flat = _flat(text)

    assert "26450.500" in flat
    assert "27070.000" in flat
    assert "62100.00 USD" in flat


def test_pdf_embeds_the_dejavu_font(document):
    pdf_bytes = certificate_pdf_render(document=document, verify_url=VERIFY_URL)

    assert b"/FontFile2" in pdf_bytes
    assert b"DejaVuSans" in pdf_bytes


def test_pdf_is_a4(document):
    pdf = pdfium.PdfDocument(certificate_pdf_render(document=document, verify_url=VERIFY_URL))

    width, height = pdf[0].get_size()

    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)


def test_same_document_renders_the_same_bytes(document):
    first = certificate_pdf_render(document=document, verify_url=VERIFY_URL)
    second = certificate_pdf_render(document=copy.deepcopy(document), verify_url=VERIFY_URL)

    assert first == second


def test_pdf_creation_date_is_the_issue_time(document):
    pdf_bytes = certificate_pdf_render(document=document, verify_url=VERIFY_URL)

    assert b"/CreationDate (D:20261128101500Z" in pdf_bytes
