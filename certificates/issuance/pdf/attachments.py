"""Files embedded in the printable certificate: the compact JWS as ``{number}.jws`` (CONTRACT §9).

A verifier given the PDF takes the signed certificate from it, so the paper's file proves itself
with the published keys alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from fpdf import FPDF

__all__ = ["embed_files"]

_MEDIA_TYPES = {"jws": "application/jose"}


def embed_files(pdf: FPDF, files: Mapping[str, bytes], *, modified: datetime) -> None:
    """Embed each of ``files`` (name → bytes), dated ``modified`` so equal inputs give equal bytes."""
    for name, content in sorted(files.items()):
        pdf.embed_file(
            bytes=content,
            basename=name,
            modification_date=modified,
            creation_date=modified,
            mime_type=_MEDIA_TYPES.get(name.rpartition(".")[2], "application/octet-stream"),
            desc=name,
        )
