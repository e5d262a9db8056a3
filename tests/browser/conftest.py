"""A real browser (Debian's Chromium, driven by Playwright) against ``live_server``.

Screenshots go to ``var/screenshots/`` (``BROWSER_SCREENSHOTS`` overrides it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.issuance import conftest as issuance_fixtures

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
DEFAULT_SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
SCREENSHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", DEFAULT_SCREENSHOTS))

# Playwright's sync API keeps an event loop running in this thread from the first browser test to the
# end of the session, so every later ORM call in the process would look async to Django.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

_fresh_cache = issuance_fixtures._fresh_cache
signing_key = issuance_fixtures.signing_key
issuer = issuance_fixtures.issuer
officer = issuance_fixtures.officer
exporter = issuance_fixtures.exporter
make_submitted = issuance_fixtures.make_submitted


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(item.fspath).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": ["--no-sandbox"]}


@pytest.fixture
def screenshot(page):
    """Saves the page as ``<name>.png`` under the screenshots folder and returns the path."""

    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def site(live_server):
    """The live server's base URL (pytest-django's ``live_server`` runs the real URLconf and middleware)."""
    return live_server.url
