"""Swagger UI and ReDoc render from the service alone: every request to another host is refused.

A page loading anything from a CDN (or a font service) fails here, and so does an inline script
or style under the Content-Security-Policy that /api/docs/ is served with (script-src and
style-src 'self'): the browser reports both as console errors.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"
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
        if urlsplit(url).path.startswith("/api/docs/"):
            return _with_strict_csp(route)
        return route.continue_()

    page.route("**/*", route)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors, foreign


def _with_strict_csp(route):
    """The strictest policy the docs page is meant to work under, if the service sends none itself."""
    response = route.fetch()
    headers = dict(response.headers)
    headers.setdefault("content-security-policy", STRICT_CSP)
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


def test_redoc_renders_the_schema_with_no_other_host(site, offline_page, screenshot):
    page, errors, foreign = offline_page

    response = page.goto(f"{site}/api/redoc/")

    assert response is not None
    assert response.status == 200
    page.get_by_text("/api/v1/applications/").first.wait_for(state="attached", timeout=15_000)
    page.locator("h1", has_text="certsvc API").wait_for(timeout=15_000)
    assert screenshot("api-redoc").stat().st_size > 10_000
    assert set(foreign) <= {REDOC_CREDIT_LOGO}
    assert [error for error in errors if "net::ERR_FAILED" not in error] == []
