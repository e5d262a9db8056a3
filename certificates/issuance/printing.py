"""The printable PDF of an issued certificate, rendered once and kept."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from certificates.issuance.models import Certificate
from certificates.issuance.pdf import certificate_pdf_render


def certificate_pdf_store(*, certificate: Certificate) -> Certificate:
    """Render the printable PDF once and keep it; concurrent callers keep the first file stored.

    Rendering takes a fraction of a second and happens without any lock, so it never
    holds up a revocation; only the final save locks the row.
    """
    if certificate.pdf:
        return certificate
    verify_url = certificate_public_url(certificate)
    content = certificate_pdf_render(document=certificate.document, verify_url=verify_url)
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if not locked.pdf:
            locked.pdf.save(f"{locked.number}.pdf", ContentFile(content), save=False)
            locked.save(update_fields=["pdf"])
    return locked


def certificate_public_url(certificate: Certificate) -> str:
    """Where the QR code leads: the public verification page of the certificate."""
    return f"{settings.PUBLIC_BASE_URL}/v/{certificate.number}"
