"""The public page in a real browser, in ru, uz and en: plural of the goods, local dates, the issuer."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.formats import date_format

from tests.issuance.helpers import issue


@pytest.mark.parametrize(
    ("language", "goods", "issuer_label"),
    [
        ("ru", "5 позиций", "Орган, выдавший сертификат"),
        ("uz", "5 ta pozitsiya", "Sertifikatni bergan organ"),
        ("en", "5 items", "Issuing body"),
    ],
)
def test_the_public_page_reads_right_in_each_language(
    site, page, screenshot, officer, signing_key, make_submitted, language, goods, issuer_label
):
    certificate = issue(make_submitted(items=5), officer)
    with translation.override(language):
        valid_until = date_format(certificate.valid_until, "DATE_FORMAT")

    response = page.goto(f"{site}/v/{certificate.number}?k={certificate.access_code}&lang={language}")

    assert response is not None
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("dd.count").inner_text().splitlines()[0].strip() == goods
    shown_until = page.locator(f'time[datetime="{certificate.valid_until.isoformat()}"]')
    assert shown_until.inner_text() == valid_until
    assert page.locator("dt", has_text=issuer_label).count() == 1
    assert page.locator("dd.issuer").inner_text() == certificate.document["issuer"]["name"]
    assert screenshot(f"public-page-{language}").stat().st_size > 1000
