"""An officer decides in the Russian admin, and the certificate list keeps each number on one line."""

from __future__ import annotations

import pytest

from certificates.applications.models import Application
from certificates.issuance.models import IssuanceOrder
from tests.applications.factories import DEFAULT_PASSWORD
from tests.issuance.helpers import issue

# Narrow enough that an unstyled number column wraps at its hyphens.
VIEWPORT = {"width": 1100, "height": 800}
NUMBER_LINES = """cell => {
    const link = cell.querySelector('a') || cell;
    const style = getComputedStyle(cell);
    const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2;
    return {lines: link.getClientRects().length, height: link.getBoundingClientRect().height, lineHeight};
}"""


@pytest.fixture
def staff_officer(officer):
    officer.is_staff = officer.is_superuser = True
    officer.save()
    return officer


@pytest.fixture
def russian_admin(site, page, staff_officer):
    page.set_viewport_size(VIEWPORT)
    page.set_extra_http_headers({"Accept-Language": "ru"})
    page.goto(f"{site}/admin/login/?next=/admin/")
    page.fill("#id_username", staff_officer.username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{site}/admin/")
    return page


def test_an_officer_approves_a_submitted_application_from_its_page(
    site, russian_admin, screenshot, make_submitted
):
    page = russian_admin
    application = make_submitted(items=1)
    page.goto(f"{site}/admin/certificates/application/{application.pk}/change/")
    buttons = page.locator("button.decision").all_text_contents()
    assert buttons == ["Одобрить", "Вернуть на доработку", "Отклонить"]
    screenshot("admin-application")

    page.click("button.decision-approve")

    assert "Одобрена" in page.locator(".messagelist .success").inner_text()
    assert page.locator(".field-status .readonly").inner_text() == "Одобрена"
    assert page.locator("button.decision").count() == 0
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert IssuanceOrder.objects.filter(application=application).exists()


def test_the_certificate_number_stays_on_one_line(
    site, russian_admin, screenshot, officer, signing_key, make_submitted
):
    page = russian_admin
    certificates = [issue(make_submitted(items=1), officer) for _ in range(2)]
    page.goto(f"{site}/admin/certificates/certificate/")

    for certificate in certificates:
        cell = page.locator("#result_list .field-number", has_text=certificate.number)
        measured = cell.evaluate(NUMBER_LINES)
        print(certificate.number, measured)
        assert measured["lines"] == 1
        assert measured["height"] < 1.5 * measured["lineHeight"]
    kid = certificates[0].kid
    shown = page.locator(f'#result_list .field-short_kid abbr[title="{kid}"]')
    assert shown.all_text_contents() == [f"{kid[:8]}…{kid[-8:]}"] * len(certificates)
    page.set_viewport_size({"width": 1600, "height": 800})  # the whole row, key id included
    screenshot("admin-certificates")
