"""The portal's import, documents, diff, assignment and dashboard pages over the applications room."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook

from certificates.applications.goods_import import GOODS_COLUMNS
from certificates.applications.goods_template import EXAMPLE_ROW
from certificates.applications.services import application_return, application_submit, application_update
from tests.applications.factories import ApplicationFactory
from tests.applications.uploads import image_bytes, pdf_bytes, upload
from tests.portal.helpers import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(exporter):
    return ApplicationFactory(exporter=exporter.organization, created_by=exporter)


def _xlsx(rows) -> bytes:
    book = Workbook()
    book.active.append(list(GOODS_COLUMNS))
    for values in rows:
        book.active.append([values.get(name) for name in GOODS_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_import_with_bad_cells_names_each_and_imports_nothing(client, exporter, draft):
    rows = [EXAMPLE_ROW, {**EXAMPLE_ROW, "hs_code": "12"}, {**EXAMPLE_ROW, "currency": "usd", "unit": "XX"}]
    response = signed_in(client, exporter).post(
        f"/portal/applications/{draft.pk}/import/", {"file": upload("goods.xlsx", _xlsx(rows))}
    )
    assert response.status_code == 400
    html = response.content.decode()
    table = html[html.index('id="import-errors"') :]
    for cell in ("B3", "H4", "D4"):
        assert f"<td>{cell}</td>" in table
    assert draft.items.count() == 2


def test_a_good_import_replaces_the_lines_and_says_how_many(client, exporter, draft):
    response = signed_in(client, exporter).post(
        f"/portal/applications/{draft.pk}/import/",
        {"file": upload("goods.xlsx", _xlsx([EXAMPLE_ROW] * 40)), "mode": "replace"},
        follow=True,
    )
    assert draft.items.count() == 40
    assert "40" in response.content.decode()


def test_the_template_downloads_as_xlsx_and_csv(client, exporter):
    signed_in(client, exporter)
    xlsx = client.get("/portal/goods-template.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.content.startswith(b"PK")
    assert "attachment" in xlsx["Content-Disposition"]
    assert client.get("/portal/goods-template.csv").content.decode("utf-8-sig").startswith("description,")
    assert client.get("/portal/goods-template.exe").status_code == 404


def test_documents_are_attached_listed_and_served_to_their_readers_only(client, exporter, officer, draft):
    signed_in(client, exporter).post(
        f"/portal/applications/{draft.pk}/documents/",
        {"kind": "invoice", "file": upload("scan.pdf", pdf_bytes())},
    )
    document = draft.documents.get()
    url = f"/portal/applications/{draft.pk}/documents/{document.pk}/"
    download = client.get(url)
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    application_submit(application=draft, actor=exporter)
    inline = signed_in(client, officer).get(url + "?inline=1")
    assert inline["Content-Disposition"].startswith("inline")
    assert inline["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in inline["Content-Security-Policy"]
    page = client.get(f"/portal/applications/{draft.pk}/").content.decode()
    assert f'<iframe src="{url}?inline=1"' in page
    stranger = ApplicationFactory().created_by
    assert signed_in(client, stranger).get(url).status_code == 404


def test_a_file_that_is_not_a_pdf_or_image_is_refused_on_the_page(client, exporter, draft):
    response = signed_in(client, exporter).post(
        f"/portal/applications/{draft.pk}/documents/",
        {"kind": "invoice", "file": upload("invoice.pdf", b"MZ\x90\x00 not a pdf")},
        follow=True,
    )
    assert not draft.documents.exists()
    assert 'class="message error"' in response.content.decode()


def test_an_image_is_shown_inline_to_the_officer(client, exporter, officer, draft):
    signed_in(client, exporter).post(
        f"/portal/applications/{draft.pk}/documents/",
        {"kind": "contract", "file": upload("contract.png", image_bytes("PNG"))},
    )
    application_submit(application=draft, actor=exporter)
    page = signed_in(client, officer).get(f"/portal/applications/{draft.pk}/").content.decode()
    assert '<img src="/portal/applications/' in page


def test_the_diff_shows_what_changed_since_the_return(client, exporter, officer, draft):
    application_submit(application=draft, actor=exporter)
    application_return(application=draft, actor=officer, reason="Name the consignee in full.")
    application_update(
        application=draft, actor=exporter, fields={"consignee_name": "Minsk Trading JSC (full)"}
    )
    application_submit(application=draft, actor=exporter)
    signed_in(client, officer)
    assert 'id="diff-link"' in client.get(f"/portal/applications/{draft.pk}/").content.decode()
    html = client.get(f"/portal/applications/{draft.pk}/diff/").content.decode()
    assert "<del>Minsk Trading JSC</del>" in html
    assert "<ins>Minsk Trading JSC (full)</ins>" in html
    assert "Name the consignee in full." in html


def test_an_officer_takes_an_application_from_the_queue(client, officer, make_submitted):
    application = make_submitted()
    response = signed_in(client, officer).post(
        f"/portal/applications/{application.pk}/assign/", {"back": "queue"}
    )
    assert response["Location"] == "/portal/queue/"
    application.refresh_from_db()
    assert application.assigned_to == officer
    assert officer.username in client.get("/portal/queue/").content.decode()


def test_the_dashboard_draws_the_days_as_an_inline_svg(client, officer, make_submitted):
    make_submitted()
    html = signed_in(client, officer).get("/portal/dashboard/").content.decode()
    assert '<svg class="plot"' in html
    assert html.count("<rect ") == 60  # two bars a day for 30 days
    assert "Submitted" in html


def test_the_plots_coordinates_are_numbers_in_every_language(client, officer, make_submitted):
    make_submitted()
    officer.language = "ru"
    officer.save()
    html = signed_in(client, officer).get("/portal/dashboard/").content.decode()
    coordinates = re.findall(r'<rect x="([^"]+)" y="([^"]+)" width="([^"]+)" height="([^"]+)"', html)
    assert len(coordinates) == 60
    assert all(float(value) >= 0 for values in coordinates for value in values)  # "33,1" would not parse


def test_lines_pasted_from_a_spreadsheet_are_imported(client, exporter, draft):
    line = "\t".join(str(EXAMPLE_ROW[name]) for name in GOODS_COLUMNS)
    response = signed_in(client, exporter).post(
        f"/portal/applications/{draft.pk}/import/", {"pasted": "\n".join([line] * 5)}
    )
    assert response.status_code == 302
    assert draft.items.count() == 5


def test_an_officer_of_the_other_body_finds_neither_the_application_nor_its_queue_entry(
    client, signing_key, make_submitted
):
    from tests.issuance.helpers import belarusian_body

    uzbek = make_submitted()
    _, belarusian_officer, _, _ = belarusian_body()
    portal = signed_in(client, belarusian_officer)
    assert portal.get(f"/portal/applications/{uzbek.pk}/").status_code == 404
    assert portal.post(f"/portal/applications/{uzbek.pk}/approve/").status_code == 404
    assert portal.post(f"/portal/applications/{uzbek.pk}/assign/", {"back": "queue"}).status_code == 404
    assert f"/portal/applications/{uzbek.pk}/" not in portal.get("/portal/queue/").content.decode()
    uzbek.refresh_from_db()
    assert (uzbek.status, uzbek.assigned_to) == ("submitted", None)
