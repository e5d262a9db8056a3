"""CT-1 columns in issued certificates (CONTRACT §1, v1.1) and the PDF the API serves."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest
from django.utils import timezone

from certificates.applications.models import GoodsItem
from certificates.issuance import services as issuance
from certificates.issuance.models import Certificate
from tests.applications.factories import api_client_for
from tests.issuance.helpers import issue

pytestmark = pytest.mark.django_db

V1_ITEM_MEMBERS = {
    "line",
    "description",
    "hs_code",
    "quantity",
    "unit",
    "net_weight_kg",
    "gross_weight_kg",
    "value",
    "currency",
    "origin_country",
}


def _with_ct1(application, **columns) -> None:
    GoodsItem.objects.filter(application=application, line=1).update(**columns)


def _served_text(certificate: Certificate, user) -> str:
    response = api_client_for(user).get(f"/api/v1/certificates/{certificate.number}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    pdf = pdfium.PdfDocument(body)
    return re.sub(r"\s+", " ", " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_document_carries_the_ct1_columns_only_where_given(signing_key, officer, make_submitted):
    application = make_submitted(items=3)
    _with_ct1(application, origin_criterion="П", packages_count=12, packages_kind="CT", marks="A 1-12")
    GoodsItem.objects.filter(application=application, line=2).update(origin_criterion="Д")
    GoodsItem.objects.filter(application=application, line=3).update(packages_count=5)  # no kind: not stated
    first, second, third = issue(application, officer).document["items"]
    assert first["origin_criterion"] == "П"
    assert first["packages"] == {"count": "12", "kind": "CT"}
    assert first["marks"] == "A 1-12"
    assert set(second) == V1_ITEM_MEMBERS | {"origin_criterion"}
    assert set(third) == V1_ITEM_MEMBERS
    assert None not in [value for item in (first, second, third) for value in item.values()]


def test_a_certificate_without_ct1_columns_keeps_the_v1_document(signing_key, officer, make_submitted):
    certificate = issue(make_submitted(items=2), officer)
    assert [set(item) for item in certificate.document["items"]] == [V1_ITEM_MEMBERS] * 2


def test_an_issued_certificate_is_never_rebuilt_from_later_item_columns(
    signing_key, officer, exporter, make_submitted, media
):
    application = make_submitted(items=1)
    certificate = issue(application, officer)
    document, jws = certificate.document, certificate.jws
    _with_ct1(application, origin_criterion="П", marks="LATER")
    certificate.refresh_from_db()
    assert (certificate.document, certificate.jws) == (document, jws)
    assert "LATER" not in _served_text(certificate, exporter)
    body = api_client_for(exporter).get(f"/api/v1/certificates/{certificate.number}/").json()
    assert body["document"] == document


def test_the_served_pdf_prints_the_access_code_and_the_chosen_pair(
    signing_key, officer, exporter, make_submitted, media
):
    certificate = issue(make_submitted(items=1, print_language="uz"), officer)
    text = _served_text(certificate, exporter)
    grouped = " ".join(re.findall(".{1,4}", certificate.access_code))
    assert grouped in text
    assert "Arizachining deklaratsiyasi" in text
    assert "не указано / koʻrsatilmagan" in text
    assert "АННУЛИРОВАН" not in text


def test_a_revoked_certificates_served_pdf_carries_the_stamp(
    signing_key, officer, exporter, make_submitted, media
):
    certificate = issue(make_submitted(items=1), officer)
    assert "АННУЛИРОВАН" not in _served_text(certificate, exporter)  # kept while valid
    issuance.certificate_revoke(certificate=certificate, actor=officer, reason="Forged invoice.")
    certificate.refresh_from_db()
    text = _served_text(certificate, exporter)
    assert "АННУЛИРОВАН / REVOKED" in text
    assert certificate.access_code[:4] in text


@pytest.mark.parametrize(
    ("change", "stamp"),
    [
        ({"status": Certificate.Status.SUPERSEDED}, "ЗАМЕНЁН / SUPERSEDED"),
        ({"exhausted_at": timezone.now()}, "ИСЧЕРПАН / EXHAUSTED"),
    ],
)
def test_superseded_and_exhausted_certificates_pdfs_carry_their_stamp(
    signing_key, officer, exporter, make_submitted, media, change, stamp
):
    certificate = issue(make_submitted(items=1), officer)
    issuance.certificate_pdf_store(certificate=certificate)
    Certificate.objects.filter(pk=certificate.pk).update(**change)
    assert stamp in _served_text(Certificate.objects.get(pk=certificate.pk), exporter)
