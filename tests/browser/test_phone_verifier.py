"""The phone verifier: the QR code's ``#z=`` checked in the browser, online and with the network cut.

The service worker keeps the shell, the script, the JWKS and the signed status bundle once a
certificate page was opened online; with Playwright's offline mode every later page is answered
from them. Screenshots at a phone's width go to ``var/screenshots/``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from certificates.issuance.revocation import certificate_revoke
from signing.paper import jws_compress
from tests.issuance.helpers import issue

PHONE = {"width": 390, "height": 844}
WORDS = {
    "ru": ("ДЕЙСТВИТЕЛЕН", "Проверено на этом телефоне, без сети", "Проверка сертификата"),
    "uz": ("HAQIQIY", "Ushbu telefonda, tarmoqsiz", "Sertifikatni tekshirish"),
    "en": ("VALID", "Checked on this phone, offline", "Certificate verification"),
}


def qr_link(site: str, certificate, compressed: str | None = None) -> str:
    """The QR code's text (CONTRACT §9) with the live server in place of ``PUBLIC_BASE_URL``."""
    compressed = compressed or jws_compress(certificate.jws)
    return f"{site}/v/{certificate.number}?k={certificate.access_code}#z={compressed}"


def verdict(page) -> str:
    page.wait_for_selector("body[data-verdict]", timeout=10_000)
    return page.locator("body").get_attribute("data-verdict")


def cache_for_offline(page, link: str) -> None:
    """Open the page online until the service worker controls it (its install cached what it keeps)."""
    page.goto(link)
    verdict(page)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    # Not wait_for_function: it evaluates its string in the page, which the page's CSP forbids.
    page.evaluate(
        """navigator.serviceWorker.controller !== null || new Promise((resolve) =>
               navigator.serviceWorker.addEventListener("controllerchange", () => resolve(true)))"""
    )


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


@pytest.fixture
def certificate(officer, signing_key, make_submitted):
    return issue(make_submitted(items=2), officer)


@pytest.mark.parametrize("language", ["ru", "uz", "en"])
def test_a_valid_certificate_is_checked_on_the_phone_with_the_network_cut(
    site, phone, screenshot, certificate, officer, make_submitted, language
):
    other = issue(make_submitted(items=1), officer)
    cache_for_offline(phone, qr_link(site, certificate).replace("#", f"&lang={language}#"))

    phone.context.set_offline(True)
    phone.goto(qr_link(site, other).replace("#", f"&lang={language}#"))

    assert verdict(phone) == "valid"
    word, checked, title = WORDS[language]
    assert phone.locator("h1").inner_text() == title
    assert phone.locator("html").get_attribute("lang") == language
    assert phone.locator("#status").inner_text() == word
    assert "green" in phone.locator("#status").get_attribute("class")
    assert phone.locator("#checked-by").inner_text().startswith(checked)
    assert phone.locator("#offline-summary").inner_text().count(other.number) == 1
    assert screenshot(f"phone-offline-valid-{language}").stat().st_size > 1000


def test_a_revoked_certificate_shows_revoked_offline_once_the_refreshed_bundle_knows(
    site, phone, screenshot, certificate, officer
):
    link = qr_link(site, certificate)
    cache_for_offline(phone, link)
    assert verdict(phone) == "valid"
    certificate_revoke(certificate=certificate, actor=officer, reason="wrong HS code")
    phone.goto(link.replace("?", "?online=1&"))  # online again: the service worker keeps the new bundle
    assert verdict(phone) == "revoked"

    phone.context.set_offline(True)
    phone.goto(link.replace("?", "?again=1&"))

    assert verdict(phone) == "revoked"
    assert phone.locator("#status").inner_text() == "REVOKED"
    assert "red" in phone.locator("#status").get_attribute("class")
    assert "offline" in phone.locator("#checked-by").inner_text()
    screenshot("phone-offline-revoked")


def test_one_changed_character_of_the_fragment_shows_invalid(site, phone, screenshot, certificate):
    compressed = jws_compress(certificate.jws)
    at = len(compressed) - 10
    changed = compressed[:at] + ("A" if compressed[at] != "A" else "B") + compressed[at + 1 :]

    phone.goto(qr_link(site, certificate, changed))

    assert verdict(phone) == "bad_signature"
    assert phone.locator("#status").inner_text() == "INVALID"
    assert "red" in phone.locator("#status").get_attribute("class")
    assert phone.locator("#checked-by").inner_text() == "Checked online."
    screenshot("phone-tampered")
    phone.locator("nav a", has_text="RU").click()  # the other language checks the same code
    assert verdict(phone) == "bad_signature"
    assert phone.locator("#status").inner_text() == "НЕДЕЙСТВИТЕЛЕН"


def test_a_stale_bundle_shows_amber_never_valid(site, phone, screenshot, certificate):
    phone.clock.set_fixed_time(timezone.now() + timedelta(hours=25))

    phone.goto(qr_link(site, certificate))

    assert verdict(phone) == "stale"
    assert phone.locator("#status").inner_text() == "STATUSES OUT OF DATE"
    assert "amber" in phone.locator("#status").get_attribute("class")
    assert "out of date" in phone.locator("#checked-by").inner_text()
    screenshot("phone-stale-bundle")


def test_the_scan_page_opens_the_camera_or_says_to_use_the_camera_app(site, phone, screenshot):
    phone.goto(f"{site}/v/scan?lang=ru")

    has_detector = phone.evaluate("'BarcodeDetector' in globalThis")
    assert verdict(phone) == ("scanning" if has_detector else "no_camera")
    if not has_detector:  # nor a camera here: test_phone_scan.py gives one to jsQR
        assert phone.locator("#checked-by").inner_text().startswith("Этот браузер не читает QR-коды")
    assert phone.locator("h1").inner_text() == "Проверка сертификата"
    screenshot("phone-scan-ru")


def test_a_browser_that_cannot_check_keeps_the_servers_answer(site, phone, certificate):
    phone.add_init_script("delete globalThis.DecompressionStream")

    phone.goto(qr_link(site, certificate))

    assert verdict(phone) == "unchecked"
    assert phone.locator("#status").inner_text() == "VALID"
    assert phone.locator("#checked-by").is_hidden()


def test_without_javascript_the_page_shows_the_servers_answer(site, browser, certificate):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()

    page.goto(qr_link(site, certificate, "not-a-jws"))

    assert page.locator("#status").inner_text() == "VALID"
    assert page.locator("dd.exporter").count() == 1
    context.close()


def test_online_the_worker_refreshes_the_statuses_with_a_signed_delta(site, phone, certificate, officer):
    link = qr_link(site, certificate)
    cache_for_offline(phone, link)
    assert verdict(phone) == "valid"
    asked: list[str] = []
    phone.context.on("request", lambda request: asked.append(request.url))
    certificate_revoke(certificate=certificate, actor=officer, reason="wrong HS code")

    phone.goto(link.replace("?", "?online=1&"))  # the worker asks for the changes since its bundle
    assert verdict(phone) == "revoked"
    phone.context.set_offline(True)
    phone.goto(link.replace("?", "?again=1&"))

    assert verdict(phone) == "revoked"
    assert "offline" in phone.locator("#checked-by").inner_text()
    deltas = [url for url in asked if "/api/v1/status/bundle?since=" in url]
    assert deltas, asked  # online, then offline (a request that fails): each since the newest held
