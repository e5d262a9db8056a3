"""A border post checks the paper certificate offline (CONTRACT §9) with ``certsvc-verify``.

Each command runs as a subprocess in a network namespace of its own (``unshare -n``) with the
JWKS and the status bundle saved beforehand: nothing it needs comes from the network.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from certificates.issuance.paper import certificate_qr_text
from signing.verifier import Verifier
from signing.verifier.paper import PaperMismatch, read_paper, verify_paper
from tests.issuance.paper import BorderPost, first_page, paper_certificate, photographed, run_offline


@pytest.fixture
def post(client, tmp_path, signing_key):
    return BorderPost(client, tmp_path)


@pytest.fixture
def two_items(signing_key, officer, make_submitted):
    return paper_certificate(make_submitted, officer, 2)


@pytest.fixture
def forty_items(signing_key, officer, make_submitted):
    return paper_certificate(make_submitted, officer, 40)


def _pdf(post: BorderPost, certificate) -> str:
    return post.save(f"{certificate.number}.pdf", certificate.pdf.open("rb").read())


def _photo(post: BorderPost, certificate) -> str:
    """The first page rasterized at 200 dpi, then photographed (turned, blurred, JPEG 40)."""
    return post.save("photo.jpg", photographed(first_page(Path(_pdf(post, certificate)))))


def _valid(outcome, certificate) -> bool:
    code, result, stderr = outcome
    assert code in (0, 1), stderr
    return code == 0 and result["valid"] and result["number"] == certificate.number


def _tampered(qr_text: str, position: int, replacement: str = "B") -> str:
    """``qr_text`` with the character at ``position`` of its fragment replaced by another one."""
    index = qr_text.index("#") + 1 + position
    if qr_text[index] == replacement:
        replacement = "C" if replacement != "C" else "D"
    return qr_text[:index] + replacement + qr_text[index + 1 :]


def _inflates_otherwise(qr_text: str, jws: str) -> bool:
    try:
        return read_paper(qr_text).token != jws
    except PaperMismatch:
        return True


def test_a_photo_of_the_printed_two_item_certificate_verifies_offline(post, two_items):
    assert _valid(post.verify(_photo(post, two_items)), two_items)


def test_the_pdf_file_verifies_offline_by_its_embedded_jws(post, two_items):
    assert _valid(post.verify(_pdf(post, two_items)), two_items)


def test_the_qr_text_verifies_offline_given_itself_or_in_a_file(post, two_items):
    qr_text = certificate_qr_text(two_items)

    assert _valid(post.verify(qr_text), two_items)
    assert _valid(post.verify(post.save("qr.txt", qr_text + "\n")), two_items)


def test_text_output_names_the_page_without_the_fragment(post, two_items):
    qr_text = certificate_qr_text(two_items)

    done = run_offline(qr_text, "--jwks", post.jwks, "--bundle", post.bundle, "--lang", "en")

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"{qr_text.partition('#')[0]}: VALID ({two_items.number})"


def test_a_forty_item_certificate_verifies_from_its_photo_and_its_pdf(post, forty_items):
    assert "#h=" in certificate_qr_text(forty_items)
    photo, pdf = _photo(post, forty_items), _pdf(post, forty_items)
    jws = post.save("certificate.jws", forty_items.jws)

    assert _valid(post.verify(photo, "--document", pdf), forty_items)
    assert _valid(post.verify(photo, "--document", jws), forty_items)
    assert _valid(post.verify(pdf), forty_items)


def test_a_hash_only_qr_code_without_the_document_is_a_usage_error(post, forty_items):
    code, _, stderr = post.verify(certificate_qr_text(forty_items))

    assert code == 2
    assert "--document" in stderr


def test_a_hash_only_qr_code_with_another_certificates_document_fails(post, two_items, forty_items):
    code, result, _ = post.verify(certificate_qr_text(forty_items), "--document", _pdf(post, two_items))

    assert (code, result["status"], result["valid"]) == (1, "malformed", False)
    assert "SHA-256" in result["checks"][0]["detail"]


def test_one_character_changed_in_the_fragment_fails_with_a_clear_result(post, two_items, forty_items):
    qr_text = certificate_qr_text(two_items)
    deflated_from = qr_text.index(".", qr_text.index("#")) - qr_text.index(
        "#"
    )  # the payload's first character
    in_payload = next(
        i
        for i in range(deflated_from + 200, len(qr_text))
        if _inflates_otherwise(_tampered(qr_text, i), two_items.jws)
    )
    last_of_payload = qr_text.rindex(".") - qr_text.index("#") - 2
    for position in (40, in_payload, last_of_payload):  # in the header, in the payload, its padding bits
        code, result, _ = post.verify(_tampered(qr_text, position, "A"))
        assert code == 1, position
        assert result["status"] in ("malformed", "bad_signature", "unknown_key")
        assert any(not check["ok"] for check in result["checks"])

    code, result, _ = post.verify(
        _tampered(certificate_qr_text(forty_items), 5), "--document", _pdf(post, forty_items)
    )
    assert (code, result["status"]) == (1, "malformed")
    assert result["checks"] == [
        {
            "name": "well_formed",
            "ok": False,
            "detail": "no document given has the SHA-256 that the QR code names (#h=)",
        }
    ]


def test_no_single_character_change_of_the_fragment_verifies_as_anything_but_the_signed_jws(post, two_items):
    """Every position, each changed to two other characters, in process.

    DEFLATE is malleable: a few changes (say, an LZ77 match moved to an equal earlier string)
    still inflate to exactly the JWS that was signed; that is the certificate itself and verifies.
    Nothing else does: every other change is ``malformed``, ``bad_signature`` or ``unknown_key``.
    """
    verifier = Verifier(json.loads(Path(post.jwks).read_text()), Path(post.bundle).read_text())
    qr_text = certificate_qr_text(two_items)
    tampered = [
        _tampered(qr_text, i, replacement)
        for i in range(len(qr_text) - qr_text.index("#") - 1)
        for replacement in ("A", "8")
    ]
    results = {
        text: verify_paper(functools.partial(read_paper, text), verifier.verify, "en") for text in tampered
    }

    assert verify_paper(functools.partial(read_paper, qr_text), verifier.verify, "en").valid
    still_valid = [text for text, result in results.items() if result.valid]
    assert all(read_paper(text).token == two_items.jws for text in still_valid)
    assert len(still_valid) <= len(tampered) // 100
    assert {result.status for result in results.values()} - {"valid"} <= {
        "malformed",
        "bad_signature",
        "unknown_key",
    }


def test_a_qr_code_naming_another_number_than_its_jws_is_malformed(post, two_items):
    qr_text = certificate_qr_text(two_items).replace(f"/v/{two_items.number}", "/v/UZBY-2026-EX-999999")

    code, result, _ = post.verify(qr_text)

    assert (code, result["status"], result["checks"][0]["name"]) == (1, "malformed", "well_formed")
    assert "UZBY-2026-EX-999999" in result["checks"][0]["detail"]
