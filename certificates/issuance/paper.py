"""What the paper certificate carries for an offline check (CONTRACT §9): its QR text and its files.

The QR code's text opens the public page with the access code, and its fragment, which never
reaches the server, holds the compressed JWS, so that a verifier with the JWKS alone checks the
printed certificate; a certificate too large for that gets the JWS's SHA-256 instead, and the JWS
itself travels in the PDF as ``{number}.jws``.
"""

from __future__ import annotations

from django.conf import settings

from certificates.issuance.models import Certificate
from signing.jws import MalformedJWS
from signing.paper import jws_compress, jws_inflate, jws_sha256

__all__ = ["QR_TEXT_LIMIT", "certificate_attachments", "certificate_qr_text"]

QR_TEXT_LIMIT = 1600  # characters; above it the fragment is #h= (CONTRACT §9)


def certificate_qr_text(certificate: Certificate) -> str:
    """``{PUBLIC_BASE_URL}/v/{number}?k={access_code}#z={compressed JWS}``, or ``#h=`` past the limit.

    Also ``#h=`` should the verifier's strict inflation ever refuse the compressed form: a code
    is printed only in a form that verifies.
    """
    page = f"{settings.PUBLIC_BASE_URL}/v/{certificate.number}?k={certificate.access_code}"
    compressed = jws_compress(certificate.jws)
    text = f"{page}#z={compressed}"
    if len(text) <= QR_TEXT_LIMIT and _inflates_back(compressed, certificate.jws):
        return text
    return f"{page}#h={jws_sha256(certificate.jws)}"


def _inflates_back(compressed: str, jws: str) -> bool:
    try:
        return jws_inflate(compressed) == jws
    except MalformedJWS:
        return False


def certificate_attachments(certificate: Certificate) -> dict[str, bytes]:
    """The files the PDF embeds: the compact JWS as ``{number}.jws``."""
    return {f"{certificate.number}.jws": certificate.jws.encode("ascii")}
