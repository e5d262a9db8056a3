"""The paper certificate (CONTRACT §9): its QR text, the compressed JWS, and what the PDF carries."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import string
import zlib
from pathlib import Path

import pypdf
import pytest
import segno
import zxingcpp
from fpdf import FPDF
from PIL import Image

from certificates.issuance.paper import QR_TEXT_LIMIT, certificate_attachments, certificate_qr_text
from certificates.issuance.pdf import certificate_pdf_render
from certificates.issuance.pdf.qr import QR_SIZE, draw_qr
from certificates.issuance.printing import certificate_public_url
from signing.jws import MalformedJWS, b64url_encode
from signing.paper import INFLATED_LIMIT, jws_compress, jws_inflate, jws_sha256
from tests.issuance.paper import DPI, first_page, paper_certificate, photographed

MM_PER_INCH = 25.4


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.fixture
def two_items(signing_key, officer, make_submitted):
    return paper_certificate(make_submitted, officer, 2)


@pytest.fixture
def forty_items(signing_key, officer, make_submitted):
    return paper_certificate(make_submitted, officer, 40)


def _pdf_file(certificate, tmp_path: Path) -> Path:
    path = tmp_path / f"{certificate.number}.pdf"
    path.write_bytes(certificate.pdf.open("rb").read())
    return path


def test_qr_text_is_the_public_page_with_the_access_code_and_the_compressed_jws(settings, two_items):
    qr_text = certificate_qr_text(two_items)

    page = f"{settings.PUBLIC_BASE_URL}/v/{two_items.number}?k={two_items.access_code}"
    assert qr_text == f"{page}#z={jws_compress(two_items.jws)}"
    assert len(qr_text) <= QR_TEXT_LIMIT
    assert re.fullmatch(r"[A-Z2-7]{16,}", two_items.access_code)


def test_compressed_jws_is_raw_deflate_of_the_payload_and_inflates_to_the_stored_jws(two_items):
    protected, payload, signature = two_items.jws.split(".")
    c_protected, deflated, c_signature = jws_compress(two_items.jws).split(".")

    assert (c_protected, c_signature) == (protected, signature)
    # Raw DEFLATE (RFC 1951): the standard library inflates it with no header (wbits -15) ...
    assert zlib.decompressobj(-15).decompress(_b64url_decode(deflated)) == _b64url_decode(payload)
    # ... and it is not a zlib stream (RFC 1950), whose first two bytes are a multiple of 31.
    first_two = _b64url_decode(deflated)[:2]
    assert not (first_two[0] & 0x0F == 8 and int.from_bytes(first_two, "big") % 31 == 0)
    assert "=" not in deflated
    assert jws_inflate(jws_compress(two_items.jws)).encode() == two_items.jws.encode()


def test_qr_code_of_the_pdf_decodes_back_to_the_exact_qr_text_at_level_m_or_higher(two_items, tmp_path):
    page = first_page(_pdf_file(two_items, tmp_path))

    (barcode,) = zxingcpp.read_barcodes(page, formats=zxingcpp.BarcodeFormat.QRCode)

    assert barcode.text == certificate_qr_text(two_items)
    assert barcode.ec_level in ("M", "Q", "H")
    corners = (barcode.position.top_left, barcode.position.top_right)
    width_mm = abs(corners[1].x - corners[0].x) / DPI * MM_PER_INCH
    assert width_mm >= 45, f"the symbol is {width_mm:.1f} mm wide"


def test_pdf_embeds_the_compact_jws_as_number_dot_jws(two_items, tmp_path):
    reader = pypdf.PdfReader(_pdf_file(two_items, tmp_path))

    assert dict(reader.attachments) == {f"{two_items.number}.jws": [two_items.jws.encode("ascii")]}


def test_the_pdf_with_its_attachment_is_the_same_bytes_on_every_render(two_items):
    again = certificate_pdf_render(
        document=two_items.document,
        verify_url=certificate_public_url(two_items),
        qr_text=certificate_qr_text(two_items),
        attachments=certificate_attachments(two_items),
        access_code=two_items.access_code,
        language=two_items.application.print_language,
    )

    assert again == two_items.pdf.open("rb").read()


def test_a_forty_item_certificate_carries_the_sha256_of_its_jws_in_place_of_the_jws(
    settings, forty_items, tmp_path
):
    qr_text = certificate_qr_text(forty_items)
    page = f"{settings.PUBLIC_BASE_URL}/v/{forty_items.number}?k={forty_items.access_code}"

    assert len(f"{page}#z={jws_compress(forty_items.jws)}") > QR_TEXT_LIMIT
    digest = b64url_encode(hashlib.sha256(forty_items.jws.encode("ascii")).digest())
    assert qr_text == f"{page}#h={digest}" == f"{page}#h={jws_sha256(forty_items.jws)}"
    (barcode,) = zxingcpp.read_barcodes(first_page(_pdf_file(forty_items, tmp_path)))
    assert barcode.text == qr_text
    attachments = pypdf.PdfReader(_pdf_file(forty_items, tmp_path)).attachments
    assert attachments[f"{forty_items.number}.jws"] == [forty_items.jws.encode("ascii")]


def test_the_longest_compressed_qr_text_still_reads_from_a_photo_of_the_printed_code(tmp_path):
    """1,600 characters (version 33 at level M) at the printed size, photographed as a phone does."""
    alphabet = string.ascii_letters + string.digits + "-_"
    qr_text = "https://certs.example.uz/v/UZ-2026-EX-000123?k=K7QM2XJD4RWA5TPZ#z="
    qr_text += "".join(alphabet[(i * 7919) % len(alphabet)] for i in range(QR_TEXT_LIMIT - len(qr_text)))
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_page()
    draw_qr(pdf, qr_text, 120, 40, QR_SIZE)
    (tmp_path / "code.pdf").write_bytes(bytes(pdf.output()))

    photo = Image.open(io.BytesIO(photographed(first_page(tmp_path / "code.pdf"))))

    assert segno.make(qr_text, error="m", boost_error=False).version == 33
    assert [barcode.text for barcode in zxingcpp.read_barcodes(photo)] == [qr_text]


def test_inflation_refuses_a_decompression_bomb_without_inflating_it():
    bomb = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = bomb.compress(b"\0" * (64 * 1024 * 1024)) + bomb.flush()
    assert len(deflated) < 100_000

    with pytest.raises(MalformedJWS, match=f"more than {INFLATED_LIMIT} bytes"):
        jws_inflate(f"eyJhbGciOiJFZERTQSJ9.{b64url_encode(deflated)}.c2ln")


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("middle", "reason"),
    [
        (zlib.compress(b'{"a":1}'), "not raw DEFLATE"),  # a zlib header
        (_raw_deflate(b'{"number":"UZ-2026-EX-000001"}')[:-3], "not one complete"),  # cut short
        (b"\x03\x00" + b"trailing", "not one complete"),  # an empty final block, then bytes
    ],
)
def test_inflation_refuses_what_is_not_one_raw_deflate_stream(middle, reason):
    with pytest.raises(MalformedJWS, match=reason):
        jws_inflate(f"eyJhbGciOiJFZERTQSJ9.{b64url_encode(middle)}.c2ln")


def test_inflation_refuses_padding_bits_that_are_not_zero_so_the_last_character_counts_too():
    token = "eyJhbGciOiJFZERTQSJ9." + b64url_encode(b'{"number":"UZ-2026-EX-000123","items":[]}') + ".c2ln"
    protected, middle, signature = jws_compress(token).split(".")
    deflated = _b64url_decode(middle)
    unset = [bit for bit in range(8) if not deflated[-1] >> bit & 1]
    refused = []
    for bit in unset:
        changed = deflated[:-1] + bytes([deflated[-1] | 1 << bit])
        with pytest.raises(MalformedJWS) as refusal:
            jws_inflate(f"{protected}.{b64url_encode(changed)}.{signature}")
        refused.append("padding bits" in str(refusal.value))

    assert jws_inflate(f"{protected}.{middle}.{signature}") == token
    assert any(refused), "the stream ends on a byte boundary: no padding to check"
