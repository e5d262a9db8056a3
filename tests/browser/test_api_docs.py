"""Swagger UI and ReDoc render from the service alone: every request to another host is refused.

A page loading anything from a CDN (or a font service) fails here, and so does an inline script
or style under a Content-Security-Policy of script-src and style-src 'self' on /api/docs/ (the
one the service sends, else the test's): the browser reports both as console errors. ReDoc
needs two allowances more, see REDOC_CSP.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"
# ReDoc writes its styles into <style> elements at run time (styled-components) and runs its search
# in a worker made from a blob: it needs inline styles and blob: workers.
REDOC_CSP = STRICT_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'") + "; worker-src blob:"
CSP_BY_PATH = {"/api/docs/": STRICT_CSP, "/api/redoc/": REDOC_CSP}
# ReDoc's sidebar credit ("API docs by Redocly") loads this logo, hard-coded in redoc.standalone.js with
# no option to turn it off; refused, ReDoc drops the image and nothing else changes.
REDOC_CREDIT_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.fixture
def offline_page(site, page):
    """The page, its console errors, and the hosts it tried to reach other than the live server."""
    live_host = urlsplit(site).netloc
    foreign: list[str] = []
    errors: list[str] = []

    def route(route):
        url = route.request.url
        if urlsplit(url).netloc != live_host:
            foreign.append(url)
            return route.abort()
        policy = CSP_BY_PATH.get(urlsplit(url).path)
        if policy:
            return _with_csp(route, policy)
        return route.continue_()

    page.route("**/*", route)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors, foreign


def _with_csp(route, policy: str):
    """The strictest policy the page is meant to work under, if the service sends none itself."""
    response = route.fetch()
    headers = dict(response.headers)
    headers.setdefault("content-security-policy", policy)
    return route.fulfill(response=response, headers=headers)


def test_swagger_ui_lists_the_operations_with_no_other_host_and_a_strict_csp(site, offline_page, screenshot):
    page, errors, foreign = offline_page

    response = page.goto(f"{site}/api/docs/")

    assert response is not None
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator(".opblock-summary-path", has_text="/api/v1/applications/").first.wait_for(timeout=15_000)
    assert page.locator(".opblock").count() > 20
    assert screenshot("api-docs").stat().st_size > 10_000
    assert foreign == []
    assert errors == []


def test_redoc_renders_the_schema_with_no_other_host_under_its_csp(site, offline_page, screenshot):
    page, errors, foreign = offline_page

    response = page.goto(f"{site}/api/redoc/")

    assert response is not None
    assert response.status == 200
    assert "worker-src blob:" in response.headers["content-security-policy"]
    page.get_by_text("/api/v1/applications/").first.wait_for(state="attached", timeout=15_000)
    page.locator("h1", has_text="certsvc API").wait_for(timeout=15_000)
    assert screenshot("api-redoc").stat().st_size > 10_000
    assert set(foreign) <= {REDOC_CREDIT_LOGO}
    # The logo refused (by the policy's img-src, or by the route when no policy stops it first):
    logo_refused = (REDOC_CREDIT_LOGO, "net::ERR_FAILED")
    assert [error for error in errors if not any(sign in error for sign in logo_refused)] == []


def test_a_problem_type_page_reads_in_russian(site, offline_page, screenshot):
    page, errors, foreign = offline_page
    page.set_extra_http_headers({"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})

    response = page.goto(f"{site}/problems/validation_error")

    assert response is not None
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Неверные поля"
    assert "items.2.hs_code" in page.locator("main p").inner_text()
    assert page.locator("html").get_attribute("lang") == "ru"
    assert screenshot("problem-page-ru").stat().st_size > 5_000
    assert foreign == []
    assert errors == []
