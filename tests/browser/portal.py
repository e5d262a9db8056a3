"""What the portal's browser tests share: axe-core from npm, and a tour of a page in every language.

A tour opens the page in a second browser context that shares the user's cookies but skips the
page's Content-Security-Policy, so axe-core can be injected with ``add_script_tag``; the flow
itself runs under the policy. Screenshots go to ``var/screenshots/portal/``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from certificates.accounts.services import user_language_set
from tests.browser.conftest import SCREENSHOTS
from tests.services import require

AXE_DIR = Path(__file__).resolve().parent / "axe"
PORTAL_SCREENSHOTS = SCREENSHOTS / "portal"
LANGUAGES = ("en", "ru", "uz")
WIDTHS = {"desktop": 1280, "phone": 390}
SERIOUS = ("serious", "critical")
# The WCAG 2.1 A and AA rules; the frames hold the portal's own PDFs, not its pages.
AXE_RUN = """() => axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
    iframes: false,
    resultTypes: ['violations'],
})"""


def axe_script() -> Path:
    """axe.min.js of the pinned axe-core (``npm ci`` once per lock file into a cache folder)."""
    require(shutil.which("npm") is not None, "Node.js and npm")
    lock = (AXE_DIR / "package-lock.json").read_bytes()
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    target = cache / "certsvc-tests" / f"axe-{hashlib.sha256(lock).hexdigest()[:16]}"
    script = target / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        target.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(AXE_DIR / name, target / name)
        command = ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"]
        subprocess.run(command, cwd=target, check=True, capture_output=True, timeout=300)
    return script


class Tour:
    """Screenshots of portal pages in each language at each width, and an accessibility scan of each."""

    def __init__(self, browser, axe: Path, site: str):
        self.browser = browser
        self.site = site
        self.axe = axe
        self.problems: list[str] = []
        self.shots: list[Path] = []
        self.visits = 0

    def visit(self, name: str, url: str, *, context=None, user=None) -> None:
        """``context`` holds the signed-in session (none: signed out); ``user`` gets each language in turn."""
        state = context.storage_state() if context is not None else None
        tour = self.browser.new_context(storage_state=state, bypass_csp=True)
        try:
            page = tour.new_page()
            # One scan a page, in each language in turn: the markup is the same in all three.
            scanned = LANGUAGES[self.visits % len(LANGUAGES)]
            self.visits += 1
            for language in LANGUAGES:
                self._speak(tour, user, language)
                page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
                page.goto(url, wait_until="domcontentloaded")  # the PDF frames load on their own time
                if language == scanned:
                    self._scan(page, f"{name} ({language})")
                for width_name, width in WIDTHS.items():
                    page.set_viewport_size({"width": width, "height": 900})
                    self._shoot(page, f"{name}-{language}-{width_name}")
        finally:
            tour.close()
            if user is not None:
                user_language_set(user=user, language="en")

    def _speak(self, context, user, language: str) -> None:
        if user is not None:
            user_language_set(user=user, language=language)
        else:
            context.add_cookies([{"name": "django_language", "value": language, "url": self.site}])

    def _scan(self, page, label: str) -> None:
        page.add_script_tag(path=str(self.axe))
        result = page.evaluate(AXE_RUN)
        for violation in result["violations"]:
            if violation["impact"] in SERIOUS:
                targets = [node["target"] for node in violation["nodes"]][:3]
                self.problems.append(f"{label}: {violation['id']} ({violation['impact']}) {targets}")

    def _shoot(self, page, name: str) -> None:
        PORTAL_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = PORTAL_SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.shots.append(path)
