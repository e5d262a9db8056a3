"""The browsable API in Chromium: session login, an HTML problem for a refused form, state-aware buttons."""

from __future__ import annotations

import json

from tests.applications.factories import DEFAULT_PASSWORD, ApplicationFactory
from tests.issuance.helpers import issue

LIST = "/api/v1/applications/"


def _log_in(page, site, user) -> None:
    page.goto(f"{site}/api-auth/login/?next={LIST}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("#submit-id-submit")
    page.wait_for_url(f"{site}{LIST}")


def test_an_exporter_logs_in_lists_only_their_own_and_a_bad_body_shows_an_html_problem(
    site, page, screenshot, exporter
):
    own = ApplicationFactory(exporter=exporter.organization, created_by=exporter)
    foreign = ApplicationFactory()
    _log_in(page, site, exporter)
    listing = page.locator("body").inner_text()
    assert f'"id": {own.pk}' in listing
    # Goods items carry ids of their own, so which applications are listed is read from the JSON.
    listed = page.request.get(f"{site}{LIST}", headers={"Accept": "application/json"}).json()
    assert [application["id"] for application in listed["results"]] == [own.pk]
    assert foreign.pk != own.pk
    assert screenshot("browsable-api-list").stat().st_size > 1000

    page.fill("#id__content", json.dumps({"type": "export", "country_of_export": "XX"}))
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.click("#post-generic-content-form button")
    assert posted.value.status == 400
    assert posted.value.headers["content-type"].startswith("text/html")
    problem = page.locator("#problem")
    problem.wait_for()
    assert "Invalid request" in problem.inner_text()
    assert "country_of_export" in problem.locator(".problem-errors").inner_text()
    assert "items" in problem.locator(".problem-errors").inner_text()
    assert page.locator("body pre").count() >= 1  # the problem body below it, as the browsable API shows it
    assert screenshot("browsable-api-error").stat().st_size > 1000


def test_an_issued_application_shows_no_delete_or_patch(
    site, page, screenshot, exporter, officer, signing_key, make_submitted
):
    certificate = issue(make_submitted(items=1), officer)
    draft = ApplicationFactory(exporter=exporter.organization, created_by=exporter)
    _log_in(page, site, exporter)

    page.goto(f"{site}{LIST}{draft.pk}/")
    assert page.get_by_role("button", name="DELETE").count() == 1
    assert page.get_by_role("button", name="PATCH").count() == 1

    page.goto(f"{site}{LIST}{certificate.application_id}/")
    assert certificate.number in page.locator("body").inner_text()
    assert page.get_by_role("button", name="DELETE").count() == 0
    assert page.get_by_role("button", name="PATCH").count() == 0
    assert page.locator("#id__content").count() == 0
