"""The printable PDF of an issued certificate, rendered once and kept."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from certificates.issuance.models import Certificate
from certificates.issuance.paper import certificate_attachments, certificate_qr_text
from certificates.issuance.pdf import certificate_pdf_render


def certificate_pdf_store(*, certificate: Certificate) -> Certificate:
    """Render the printable PDF once and keep it; concurrent callers keep the first file stored.

    Rendering takes a fraction of a second and happens without any lock, so it never
    holds up a revocation; only the final save locks the row.
    """
    if certificate.pdf:
        return certificate
    content = certificate_pdf_render(
        document=certificate.document,
        verify_url=certificate_public_url(certificate),
        qr_text=certificate_qr_text(certificate),
        attachments=certificate_attachments(certificate),
    )
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if not locked.pdf:
            locked.pdf.save(f"{locked.number}.pdf", ContentFile(content), save=False)
            locked.save(update_fields=["pdf"])
    return locked


def certificate_public_url(certificate: Certificate) -> str:
    """The public verification page of the certificate, printed under its QR code."""
    return f"{settings.PUBLIC_BASE_URL}/v/{certificate.number}"
