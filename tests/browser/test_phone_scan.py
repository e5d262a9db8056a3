"""The scan page without BarcodeDetector: a fake camera shows a certificate's printed QR code.

Chromium on Linux has no BarcodeDetector, so the page reads the frames with the vendored jsQR
(``certificates/public/static/vendor/jsqr/``); its file is the one the README there names.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pytest
import segno
from PIL import Image

from certificates.issuance.paper import certificate_qr_text
from tests.browser.test_phone_verifier import cache_for_offline, qr_link
from tests.issuance.helpers import issue

VENDOR = Path(__file__).resolve().parents[2] / "certificates" / "public" / "static" / "vendor" / "jsqr"
WIDTH, HEIGHT = 640, 480


def write_y4m(path: Path, text: str) -> None:
    """A few 4:2:0 frames of ``text``'s QR code on white (the header, then FRAME and the Y, U, V planes)."""
    png = io.BytesIO()
    segno.make(text, error="m").save(png, kind="png", scale=3, border=4)
    qr = Image.open(png)
    assert qr.width <= HEIGHT, "the code fits the frame"
    picture = Image.new("RGB", (WIDTH, HEIGHT), "white")
    picture.paste(qr.convert("RGB"), ((WIDTH - qr.width) // 2, (HEIGHT - qr.height) // 2))
    y, cb, cr = picture.convert("YCbCr").split()
    half = (WIDTH // 2, HEIGHT // 2)
    frame = b"FRAME\n" + y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    path.write_bytes(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * 3)


@pytest.fixture
def camera_page(playwright, browser_type_launch_args, tmp_path):
    """Opens a page of a Chromium of its own whose fake camera shows the QR code of a given text."""
    video = tmp_path / "camera.y4m"
    fake = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
    args = [*browser_type_launch_args["args"], *fake, f"--use-file-for-fake-video-capture={video}"]
    launched = []

    def open_page(text: str):
        write_y4m(video, text)
        browser = playwright.chromium.launch(**{**browser_type_launch_args, "args": args})
        launched.append(browser)
        return browser.new_page(viewport={"width": 390, "height": 844})

    yield open_page
    for browser in launched:
        browser.close()


def test_the_scan_page_reads_a_printed_code_with_jsqr_and_opens_its_verdict(
    site, settings, camera_page, officer, signing_key, make_submitted
):
    settings.PUBLIC_BASE_URL = site
    certificate = issue(make_submitted(items=1), officer)
    page = camera_page(certificate_qr_text(certificate))

    page.goto(f"{site}/v/scan?lang=en")

    assert not page.evaluate("'BarcodeDetector' in globalThis")
    page.wait_for_url(re.compile(rf"/v/{re.escape(certificate.number)}\?"), timeout=10_000)
    page.wait_for_selector("body[data-verdict]", timeout=10_000)
    assert page.locator("body").get_attribute("data-verdict") == "valid"
    assert page.locator("#status").inner_text() == "VALID"


def test_the_vendored_decoder_is_the_file_its_readme_names():
    line = next(line for line in (VENDOR / "README.md").read_text().splitlines() if line.startswith("jsqr "))
    version, source, _, digest = line.split()[1:]
    assert (version, source) == ("1.4.0", "https://registry.npmjs.org/jsqr/-/jsqr-1.4.0.tgz")
    assert hashlib.sha256((VENDOR / "jsQR.js").read_bytes()).hexdigest() == digest
    assert "Apache License" in (VENDOR / "LICENSE").read_text()


def test_the_scan_page_and_its_decoder_open_offline(site, page, officer, signing_key, make_submitted):
    certificate = issue(make_submitted(items=1), officer)
    cache_for_offline(page, qr_link(site, certificate))

    page.context.set_offline(True)
    page.goto(f"{site}/v/scan")  # the kept page is the one without a query

    page.wait_for_selector("body[data-verdict]", timeout=10_000)
    assert page.evaluate("typeof jsQR") == "function"
    assert page.locator("#camera").count() == 1  # the scan page, not the shell
