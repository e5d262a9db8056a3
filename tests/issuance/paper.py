"""Paper certificates for the tests: issued, printed, rasterized, photographed, and checked offline."""

from __future__ import annotations

import functools
import io
import json
import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from PIL import Image, ImageFilter

from certificates.issuance.models import Certificate
from certificates.issuance.printing import certificate_pdf_store
from tests.applications.factories import GoodsItemFactory
from tests.issuance.helpers import issue

CLI = str(Path(sys.executable).parent / "certsvc-verify")
DPI = 200
GOODS = (
    "Cotton yarn, combed, single, 50 tex",
    "Dried apricots, pitted, in cartons",
    "Raisins, sultana type, washed",
    "Copper cathodes, grade M00k",
    "Cotton fabric, plain weave, dyed",
    "Walnuts in shell, calibrated 32+",
    "Silk cocoons suitable for reeling",
    "Polyethylene granules, low density",
    "Fresh melons of the Torpedo variety",
    "Knitted T-shirts of cotton, men's",
)


def paper_certificate(make_submitted, officer, items: int) -> Certificate:
    """An issued certificate with ``items`` goods items of distinct descriptions, codes and amounts,
    so its document compresses as a real one does, and its PDF stored."""
    rng = random.Random(items)
    application = make_submitted(items=0)
    for line in range(1, items + 1):
        GoodsItemFactory(
            application=application,
            line=line,
            description=f"{GOODS[line % len(GOODS)]}, lot {rng.randrange(10**6):06d}",
            hs_code=f"{rng.randrange(10**9, 10**10)}",
            quantity=Decimal(rng.randrange(1, 10**7)) / 1000,
            net_weight_kg=Decimal(rng.randrange(1, 10**7)) / 1000,
            gross_weight_kg=Decimal(rng.randrange(10**7, 2 * 10**7)) / 1000,
            value=Decimal(rng.randrange(100, 10**8)) / 100,
        )
    return certificate_pdf_store(certificate=issue(application, officer))


def first_page(pdf: Path, dpi: int = DPI) -> Image.Image:
    """The PDF's first page as pdftoppm (poppler-utils) rasterizes it."""
    prefix = pdf.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(prefix)],
        check=True,
        timeout=60,
    )
    return Image.open(prefix.with_suffix(".png")).convert("RGB")


def photographed(page: Image.Image) -> bytes:
    """A phone's photo of the page: turned by 7°, blurred (Gaussian, σ = 1 px), JPEG at quality 40."""
    turned = page.rotate(7, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white")
    blurred = turned.filter(ImageFilter.GaussianBlur(radius=1))
    out = io.BytesIO()
    blurred.save(out, "JPEG", quality=40)
    return out.getvalue()


@functools.cache
def _offline_prefix() -> tuple[str, ...]:
    """``unshare -n``: the command runs in a network namespace of its own, with no interface up."""
    try:
        probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10, check=False)
    except OSError:
        return ()
    return ("unshare", "-n") if probe.returncode == 0 else ()


def run_offline(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*_offline_prefix(), CLI, *args], capture_output=True, text=True, timeout=60, check=False
    )


class BorderPost:
    """What a border post saved while online (JWKS, status bundle), and the verifier it runs."""

    def __init__(self, client, tmp_path: Path):
        self.tmp = tmp_path
        self.jwks = self.save("jwks.json", client.get("/.well-known/jwks.json").content)
        self.bundle = self.save("bundle.jws", client.get("/api/v1/status/bundle").content)

    def save(self, name: str, content: bytes | str) -> str:
        path = self.tmp / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return str(path)

    def verify(self, *sources: str) -> tuple[int, dict | None, str]:
        """Exit code, the JSON result (None on a usage error) and stderr."""
        done = run_offline(*sources, "--jwks", self.jwks, "--bundle", self.bundle, "--json")
        result = json.loads(done.stdout) if done.returncode in (0, 1) else None
        return done.returncode, result, done.stderr
