"""The public page the certificate's QR code opens: ``/v/{number}``.

It shows what the anonymous verification summary shows and no more: the status, number,
dates and issuer, and with the certificate's access code (``?k=``, as the QR code carries it)
also the exporter, the consignee and the goods. In Russian, Uzbek or English, without
JavaScript, never cached, and throttled per client: every request counts, an unknown number or a
wrong code as much as any other. With JavaScript, the service's own script (``app.py``; the policy
allows scripts from the service only) checks the QR code's fragment on the phone, and ``/v/app``
is the shell it opens offline.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import get_language_from_request, pgettext
from django.views import View
from rest_framework.request import Request
from rest_framework.views import APIView

from certificates.issuance.numbering import NUMBER_PATTERN
from certificates.public.app import verifier_data
from certificates.verification import statuses as v
from certificates.verification.answer import certificate_summary, summary_unlocked
from certificates.verification.outcome import Outcome
from certificates.verification.services import verification_by_number
from certificates.verification.throttling import CountingThrottle

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
    "style-src 'unsafe-inline'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
LANGUAGES = ("ru", "uz", "en")
GREEN, AMBER, RED = "green", "amber", "red"
COLOURS = {v.VALID: GREEN, v.SUPERSEDED: AMBER, v.EXPIRED: AMBER, v.NOT_YET_VALID: AMBER, v.EXHAUSTED: AMBER}
# Statuses shown by their own word; every other failure reads "invalid".
OWN_WORD = frozenset({v.VALID, v.REVOKED, v.SUPERSEDED, v.EXPIRED, v.NOT_YET_VALID, v.EXHAUSTED, v.NOT_FOUND})

# The msgctxt of the page's strings: short words like "Type" mean other things elsewhere.
_PAGE = "public page"


def page_texts() -> dict[str, str]:
    """The page's words in the active language (the Russian and Uzbek ones are in the .po files)."""
    return {
        "title": pgettext(_PAGE, "Certificate verification"),
        "valid": pgettext(_PAGE, "VALID"),
        "revoked": pgettext(_PAGE, "REVOKED"),
        "superseded": pgettext(_PAGE, "SUPERSEDED"),
        "expired": pgettext(_PAGE, "EXPIRED"),
        "not_yet_valid": pgettext(_PAGE, "NOT YET VALID"),
        "exhausted": pgettext(_PAGE, "EXHAUSTED"),
        "invalid": pgettext(_PAGE, "INVALID"),
        "not_found": pgettext(_PAGE, "NOT FOUND"),
        "not_found_text": pgettext(_PAGE, "No certificate with this number is registered."),
        "throttled": pgettext(_PAGE, "Too many requests. Please try again in a minute."),
        "unavailable": pgettext(_PAGE, "The registry cannot be checked right now. Please try again later."),
        "number": pgettext(_PAGE, "Number"),
        "type": pgettext(_PAGE, "Type"),
        "export": pgettext(_PAGE, "Export"),
        "import": pgettext(_PAGE, "Import"),
        "issued_at": pgettext(_PAGE, "Issued"),
        "valid_from": pgettext(_PAGE, "Valid from"),
        "valid_until": pgettext(_PAGE, "Valid until"),
        "exporter": pgettext(_PAGE, "Exporter"),
        "consignee": pgettext(_PAGE, "Consignee"),
        "goods": pgettext(_PAGE, "Goods"),
        "issuer": pgettext(_PAGE, "Issuing body"),
        "checked_at": pgettext(_PAGE, "Checked at"),
        "checking": pgettext(_PAGE, "CHECKING…"),
        "access_code_hint": pgettext(
            _PAGE,
            "The exporter, the consignee and the goods are shown with the access code printed beside "
            "the number: scan the certificate's QR code.",
        ),
    }


class PublicPageThrottle(CountingThrottle):
    """Per client address, counted like verify's throttles: through a cache outage the page answers."""

    scope = "public_page"

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def page_language(request: HttpRequest) -> str:
    """``?lang=`` when it names one of the three languages, else the browser's choice, else English."""
    chosen = request.GET.get("lang", "")
    if chosen in LANGUAGES:
        return chosen
    detected = (get_language_from_request(request) or "en").split("-")[0]
    return detected if detected in LANGUAGES else "en"


class PublicCertificateView(View):
    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, number: str) -> HttpResponse:
        language = page_language(request)
        throttle = PublicPageThrottle()
        # DRF's stubs want a DRF request and view; SimpleRateThrottle only reads META, never the view.
        if not throttle.allow_request(request, self):  # type: ignore[arg-type]
            response = _page(request, language, status=429, message="throttled")
            response["Retry-After"] = str(int(throttle.wait() or 60))
            return response
        if not re.fullmatch(NUMBER_PATTERN, number):
            return _page(request, language, status=404, message="not_found_text", word="not_found")
        try:
            outcome = verification_by_number(number=number, moment=timezone.now())
        except DatabaseError:
            return _page(request, language, status=503, message="unavailable")
        if outcome.certificate is None:
            return _page(request, language, status=404, message="not_found_text", word="not_found")
        return _page(request, language, status=200, outcome=outcome, access_code=request.GET.get("k"))


class VerifierShellView(View):
    """The page the service worker opens offline: no server answer, the script checks the fragment."""

    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest) -> HttpResponse:
        return _page(request, page_language(request), status=200, word="checking", offline_shell=True)


class VerifierScanView(View):
    """The scan page: the camera, and the page of the certificate whose QR code it reads."""

    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest) -> HttpResponse:
        return _page(request, page_language(request), status=200, scan=True)


def _page(
    request: HttpRequest,
    language: str,
    *,
    status: int,
    message: str | None = None,
    word: str | None = None,
    outcome: Outcome | None = None,
    access_code: str | None = None,
    offline_shell: bool = False,
    scan: bool = False,
) -> HttpResponse:
    with translation.override(language):
        texts = page_texts()
    context: dict[str, Any] = {
        "t": texts,
        "lang": language,
        "languages": LANGUAGES,
        "path": request.path,
        "query": "?",
        "message": texts[message] if message else None,
        "word": texts[word] if word else None,
        "colour": AMBER if offline_shell else RED,
        "shell": offline_shell,
        "scan": scan,
        "verifier": verifier_data(page_texts, offline=offline_shell, scan=scan),
    }
    if outcome is not None:
        context.update(_outcome_context(outcome, texts, access_code=access_code))
    with translation.override(language):  # the dates' formats are the page's language's
        response = render(request, "certificates/public_page.html", context, status=status)
    _protect(response, language)
    return response


def _protect(response: HttpResponse, language: str) -> None:
    """No scripts, no framing, no caching, no referrer: the page shows a certificate's status."""
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response["Content-Language"] = language
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"


def _outcome_context(outcome: Outcome, texts: dict[str, str], *, access_code: str | None) -> dict[str, Any]:
    """The certificate's part of the page: the summary, long only with the certificate's own code."""
    if outcome.certificate is None:  # the view answers 404 before: nothing to show
        return {}
    status = outcome.status
    certificate = outcome.certificate
    unlocked = summary_unlocked(certificate=certificate, access_code=access_code)
    summary = certificate_summary(certificate=certificate, long=unlocked)
    return {
        # The language links keep a right code (a wrong one is dropped), so the parties stay shown.
        "query": f"?{urlencode({'k': certificate.access_code})}&" if unlocked else "?",
        "issuer": summary["issuer"],
        "issued_at": certificate.issued_at,
        "valid_from": certificate.valid_from,
        "valid_until": certificate.valid_until,
        "word": texts[status if status in OWN_WORD else "invalid"],
        "colour": COLOURS.get(status, RED),
        "summary": summary,
        "type_label": texts.get(summary["type"], summary["type"]),
        "checked_at": timezone.now().replace(microsecond=0),
    }
