"""The phone verifier around ``/v/{number}``: its script, service worker, manifest, shell and scan page.

The files live in ``certificates/public/static/`` and are served under ``/v/`` so that the
service worker's scope covers the certificate pages. Scripts are allowed by the pages' policy as
``'self'``; the texts the script shows are rendered here with gettext into a JSON data island.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import pgettext
from django.views import View

STATIC = Path(__file__).resolve().parent / "static"
FILES = {
    "verify.js": "text/javascript; charset=utf-8",
    "scan.js": "text/javascript; charset=utf-8",
    "vendor/jsqr/jsQR.js": "text/javascript; charset=utf-8",
    "sw.js": "text/javascript; charset=utf-8",
    "manifest.webmanifest": "application/manifest+json",
    "icon.svg": "image/svg+xml",
}
FILE_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
# A worker runs under its own script's policy: the service worker fetches what it keeps.
WORKER_POLICY = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_PAGE = "public page"


def script_texts() -> dict[str, str]:
    """What the script says, in the active language (the Russian and Uzbek ones are in the .po files)."""
    return {
        "stale": pgettext(_PAGE, "STATUSES OUT OF DATE"),
        "stale_text": pgettext(
            _PAGE,
            "The signature is right, but the statuses on this phone are of %(time)s and out of date: "
            "connect to the network to refresh them.",
        ),
        "no_statuses": pgettext(_PAGE, "The statuses on this phone cannot be used: connect to the network."),
        "checked_offline": pgettext(
            _PAGE, "Checked on this phone, offline, with keys and statuses of %(time)s."
        ),
        "checked_online": pgettext(_PAGE, "Checked online."),
        "no_keys": pgettext(
            _PAGE, "This phone has no keys to check with yet: open a certificate once while online."
        ),
        "no_certificate": pgettext(_PAGE, "This link does not carry a certificate: scan its QR code."),
        "scan_hint": pgettext(_PAGE, "Point the camera at the certificate's QR code."),
        "no_camera": pgettext(
            _PAGE, "This browser cannot read QR codes: scan the code with the phone's camera app."
        ),
        "wrong_code": pgettext(_PAGE, "This QR code is not a certificate of this registry."),
    }


# The page's words the script shows; the shell also labels the document's parts it shows.
WORDS = ("valid", "revoked", "superseded", "expired", "not_yet_valid", "exhausted", "invalid")
LABELS = ("title", "number", "issuer", "valid_from", "valid_until", "exporter", "consignee")


def verifier_data(page_texts: Any, *, offline: bool, scan: bool = False) -> dict[str, Any]:
    """The data island the script reads: every language's words, so the shell serves all three.

    A certificate's page carries no label of what it hides without the access code.
    """
    texts = {}
    names = WORDS + LABELS if offline or scan else WORDS
    for language in ("ru", "uz", "en"):
        with translation.override(language):
            words = page_texts()
            texts[language] = {**{name: words[name] for name in names}, **script_texts()}
    return {
        "texts": texts,
        "shell": offline,
        "scan": scan,
        "worker": "/v/sw.js",
        "scope": "/v/",
        "jwks": "/.well-known/jwks.json",
        "bundle": "/api/v1/status/bundle",
    }


@cache
def _content(name: str) -> bytes:
    return (STATIC / name).read_bytes()


class VerifierFileView(View):
    """One of ``FILES``, cacheable for a few minutes (the service worker refreshes it when online)."""

    http_method_names = ["get", "head"]
    name = ""

    def get(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(_content(self.name), content_type=FILES[self.name])
        response["Cache-Control"] = "max-age=300"
        response["Content-Security-Policy"] = WORKER_POLICY if self.name == "sw.js" else FILE_POLICY
        response["X-Content-Type-Options"] = "nosniff"
        return response
