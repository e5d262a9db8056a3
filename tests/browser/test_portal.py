"""The portal end to end in Chromium: an exporter applies, an officer returns it, the exporter corrects
it, the officer approves, a real Celery worker signs, and the PDF's QR code decodes.

One browser, one live server on PostgreSQL and one worker serve the whole flow; every main page is
toured on the way (screenshots in three languages at two widths, and an axe-core scan).
"""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
import zxingcpp

from certificates.accounts.models import User
from certificates.applications.goods_import import GOODS_COLUMNS
from certificates.applications.models import Application
from certificates.issuance.models import Certificate
from certificates.issuance.paper import certificate_qr_text
from certificates.outbox import SIGN_CERTIFICATE
from tests.applications.factories import DEFAULT_PASSWORD, UserFactory
from tests.applications.uploads import pdf_bytes
from tests.browser.portal import Tour, axe_script
from tests.issuance.paper import first_page
from tests.services import require_postgres, running_worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.postgres]

DESKTOP = {"width": 1280, "height": 900}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _forty_lines() -> bytes:
    """The invoice's 40 goods lines as an exporter's spreadsheet, under the template's header."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(GOODS_COLUMNS))
    for line in range(1, 41):
        row = {"description": f"Cotton yarn, combed, lot {line}", "hs_code": "520512", "quantity": 100 + line}
        row |= {"unit": "KGM", "net_weight_kg": 100 + line, "gross_weight_kg": 104 + line, "value": 410.5}
        row |= {"currency": "USD", "origin_country": "UZ"}
        sheet.append([row.get(column) for column in GOODS_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def worker(transactional_db, redis_broker):
    """A real Celery worker over Redis on the test database; the solo pool starts and stops quickest."""
    with running_worker(pool="solo") as process:
        yield process


@pytest.fixture
def tour(browser, site):
    return Tour(browser, axe_script(), site)


@pytest.fixture
def contexts():
    """The test's browser contexts, closed before the database is flushed (no request outlives it)."""
    opened: list = []
    yield opened
    for context in opened:
        context.close()


def _signed_in(browser, site, user, contexts):
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    contexts.append(context)
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security" in message.text else None,
    )
    page.goto(f"{site}/portal/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    page.csp_violations = violations
    return context, page


def _fill_application(page) -> None:
    page.select_option("#f-type", "export")
    page.fill("#f-consignee-name", "Minsk Trading JSC")
    page.select_option("#f-consignee-country", "BY")
    page.fill("#f-consignee-address", "10 Nezavisimosti Ave, Minsk")
    page.fill("#f-consignee-tax_id", "100582333")
    page.select_option("#f-country_of_export", "UZ")
    page.select_option("#f-country_of_destination", "BY")
    page.select_option("#f-transport-mode", "road")
    page.fill("#f-transport-details", "Truck 01A123BC")
    page.fill("#f-invoice-number", "INV-2026-0777")
    page.fill("#f-invoice-date", (datetime.date.today() - datetime.timedelta(days=2)).isoformat())


def _fill_line(page, index: int, description: str) -> None:
    cells = {
        "description": description,
        "hs_code": "5205120000",
        "quantity": "100.000",
        "unit": "KGM",
        "net_weight_kg": "100.000",
        "gross_weight_kg": "104.000",
        "value": "410.00",
        "currency": "USD",
        "origin_country": "UZ",
    }
    for column, value in cells.items():
        page.fill(f'input[name="items.{index}.{column}"]', value)


def test_an_application_goes_from_the_exporters_form_to_a_signed_pdf(
    browser, site, tour, worker, signing_key, officer, contexts
):
    require_postgres()
    exporter = UserFactory(role=User.Role.EXPORTER)
    exporters, page = _signed_in(browser, site, exporter, contexts)
    assert page.url == f"{site}/portal/applications/"
    tour.visit("dashboard", page.url, context=exporters, user=exporter)

    page.click("text=New application >> nth=0")
    tour.visit("application-form", page.url, context=exporters, user=exporter)
    _fill_application(page)
    page.fill('input[name="items.0.hs_code"]', "12")  # wrong: the error comes back beside the cell
    page.click("button[name=save]")
    assert "6, 8 or 10 digits" in page.locator("#c-items0hs_code-e").inner_text()
    _fill_line(page, 0, "Cotton yarn, combed")
    page.click("button[name=add_line]")  # htmx redraws the lines only
    page.wait_for_selector('input[name="items.1.description"]')
    page.click('button[name=remove_line][value="1"]')
    page.wait_for_selector('input[name="items.1.description"]', state="detached")
    page.click("button[name=save]")
    page.wait_for_selector("#application-status")
    application = Application.objects.get(exporter=exporter.organization)
    assert application.items.count() == 1

    page.goto(f"{site}/portal/applications/{application.pk}/import/")
    tour.visit("goods-import", page.url, context=exporters, user=exporter)
    page.set_input_files(
        "#import-file", files=[{"name": "invoice.xlsx", "mimeType": XLSX, "buffer": _forty_lines()}]
    )
    page.click("#import-submit")
    page.wait_for_selector("#goods-lines")
    assert page.locator("#goods-lines tbody tr").count() == 40
    page.set_input_files(
        "#document-file",
        files=[{"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}],
    )
    page.click("#document-upload")
    page.wait_for_selector("#documents a:has-text('invoice.pdf')")

    page.click("#submit-application")
    page.wait_for_selector(".status-submitted")
    tour.visit("application-exporter", page.url, context=exporters, user=exporter)

    officers, desk = _signed_in(browser, site, officer, contexts)
    assert desk.url == f"{site}/portal/queue/"
    tour.visit("queue", desk.url, context=officers, user=officer)
    desk.fill("#queue-q", "INV-2026-0777")  # the htmx filter redraws the table
    desk.click(f"#queue-table button[aria-label*='#{application.pk}']")
    assert officer.username in desk.locator("#queue-table").inner_text()
    desk.click(f"a[href='/portal/applications/{application.pk}/']")
    frame = desk.locator("#documents iframe")
    assert frame.get_attribute("src").endswith("?inline=1")
    tour.visit("application-officer", desk.url, context=officers, user=officer)
    desk.fill("#reason", "Line 1: the description must name the yarn count.")
    desk.click("#return")
    desk.wait_for_selector(".status-returned")

    page.reload()
    assert "yarn count" in page.locator("#return-reason").inner_text()
    page.click("#edit-application")
    page.fill('input[name="items.0.description"]', "Cotton yarn, combed, Nm 50/1")
    page.click("button[name=resubmit]")
    page.wait_for_selector(".status-submitted")

    desk.reload()
    desk.click("#diff-link")
    assert "Nm 50/1" in desk.locator("#line-changes").inner_text()
    tour.visit("diff", desk.url, context=officers, user=officer)
    desk.go_back()
    desk.click("#approve")
    certificate = wait_until(
        lambda: Certificate.objects.filter(application=application).first(),
        timeout=60,
        message="the worker to sign the certificate",
    )

    desk.goto(f"{site}/portal/dashboard/")
    tour.visit("officer-dashboard", desk.url, context=officers, user=officer)
    tour.visit("login", f"{site}/portal/login/")

    assert f"Task {SIGN_CERTIFICATE}" in worker.log  # the worker process signed it, not this one
    page.reload()
    with page.expect_download() as download:
        page.click("#download-pdf")
    pdf = download.value.path()
    (barcode,) = zxingcpp.read_barcodes(first_page(pdf), formats=zxingcpp.BarcodeFormat.QRCode)
    assert barcode.text == certificate_qr_text(certificate)

    assert not page.csp_violations
    assert not desk.csp_violations
    assert not tour.problems, "\n".join(tour.problems)
