"""The printable PDF of an issued certificate: rendered once and kept while it is valid; a
revoked, superseded or exhausted certificate's PDF is rendered when served, with its stamp."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from certificates.issuance.models import Certificate, IssuanceOrder
from certificates.issuance.paper import certificate_attachments, certificate_qr_text
from certificates.issuance.pdf import certificate_pdf_render
from certificates.issuance.pdf.labels import status_label


def certificate_pdf_store(*, certificate: Certificate) -> Certificate:
    """Render the printable PDF once and keep it; concurrent callers keep the first file stored.

    Rendering takes a fraction of a second and happens without any lock, so it never
    holds up a revocation; only the final save locks the row.
    """
    if certificate.pdf:
        return certificate
    content = _render(certificate, stamp=None)
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if not locked.pdf:
            locked.pdf.save(f"{locked.number}.pdf", ContentFile(content), save=False)
            locked.save(update_fields=["pdf"])
    return locked


def pdf_rendering_yield_to_signing(*, poll_seconds: float = 0.2) -> float:
    """Wait while signing orders are pending, up to ``PDF_YIELD_TO_SIGNING_SECONDS``; the seconds waited.

    The PDF worker shares the machine's cores with the signer: rendering a backlog of PDFs while
    approvals are being signed would slow every signature (bench/README.md "Issuance").
    """
    started = time.monotonic()
    deadline = started + settings.PDF_YIELD_TO_SIGNING_SECONDS
    while time.monotonic() < deadline and _signing_pending():
        time.sleep(poll_seconds)
    return time.monotonic() - started


def _signing_pending() -> bool:
    # Orders that failed before wait for a retry, not for a core: they do not hold PDFs up.
    return IssuanceOrder.objects.filter(state=IssuanceOrder.State.PENDING, error_code="").exists()


def certificate_pdf_stamped(*, certificate: Certificate) -> bytes | None:
    """The PDF of a certificate that is no longer valid, rendered now with its stamp on every page
    (the kept file was printed while it was valid); ``None`` when the kept file stands."""
    stamp = status_label(certificate_pdf_status(certificate), _print_language(certificate))
    return _render(certificate, stamp=stamp) if stamp else None


def certificate_pdf_status(certificate: Certificate) -> str:
    """``revoked``, ``superseded``, ``exhausted`` (CONTRACT §10), or ``issued`` while it is valid."""
    if certificate.status != Certificate.Status.ISSUED:
        return str(certificate.status)
    return "exhausted" if certificate.exhausted_at else str(certificate.status)


def _render(certificate: Certificate, *, stamp: str | None) -> bytes:
    return certificate_pdf_render(
        document=certificate.document,
        verify_url=certificate_public_url(certificate),
        status_label=stamp,
        access_code=certificate.access_code,
        language=_print_language(certificate),
        qr_text=certificate_qr_text(certificate),
        attachments=certificate_attachments(certificate),
    )


def _print_language(certificate: Certificate) -> str:
    return str(certificate.application.print_language)


def certificate_public_url(certificate: Certificate) -> str:
    """The public verification page of the certificate, printed under its QR code."""
    return f"{settings.PUBLIC_BASE_URL}/v/{certificate.number}"
