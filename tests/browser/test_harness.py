"""The browser reaches the service and renders what it serves."""

from __future__ import annotations

from tests.issuance.helpers import issue


def test_the_public_page_of_an_issued_certificate_renders_in_chromium(
    site, page, screenshot, officer, signing_key, make_submitted
):
    certificate = issue(make_submitted(items=1), officer)

    response = page.goto(f"{site}/v/{certificate.number}")

    assert response is not None
    assert response.status == 200
    assert certificate.number in page.locator("body").inner_text()
    assert "Chrome" in page.evaluate("navigator.userAgent")
    assert screenshot("harness-public-page").stat().st_size > 1000
