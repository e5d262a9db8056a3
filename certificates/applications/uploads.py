"""What an uploaded file really is, judged by its bytes: never by its name or the client's content type.

Supporting documents are PDF (``%PDF-`` that pypdf parses, ending in ``%%EOF``), JPEG or PNG (that
Pillow opens, verifies and decodes, with a pixel cap against decompression bombs). Goods
spreadsheets are CSV (UTF-8 text) or XLSX (a zip archive that openpyxl opens). Each refusal is a
field error on ``file`` in the caller's language.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image
from pypdf import PdfReader
from rest_framework.exceptions import ErrorDetail, ValidationError

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", XLSX: ".xlsx", CSV: ".csv"}
_MAGIC = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG"}
# A PDF's last line is %%EOF; a scanner or editor may add a little after it, never much.
_PDF_TAIL_BYTES = 1024
_DISPLAY_NAME_MAX = 120
# Text in an XLSX compresses about tenfold; a workbook that unpacks to far more is a zip bomb.
_UNPACKED_RATIO = 20


@dataclass(frozen=True)
class CheckedFile:
    """An upload whose type was read from its content."""

    data: bytes
    content_type: str
    size: int
    sha256: str
    display_name: str


def upload_refused(message: Any, code: str, field: str = "file") -> ValidationError:
    return ValidationError({field: [ErrorDetail(str(message), code=code)]})


def read_capped(uploaded_file: Any, *, limit: int) -> bytes:
    """The whole upload, refused when it is larger than ``limit`` bytes (or empty)."""
    if uploaded_file is None:
        raise upload_refused(_("Choose a file to upload."), "required")
    data: bytes = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise upload_refused(
            _("The file is larger than %(limit)d MB.") % {"limit": max(1, limit // (1024 * 1024))},
            "file_too_large",
        )
    if not data:
        raise upload_refused(_("The file is empty."), "file_empty")
    return data


def document_check(uploaded_file: Any) -> CheckedFile:
    """A supporting document: PDF, JPEG or PNG by content, within ``ATTACHMENT_MAX_BYTES``."""
    data = read_capped(uploaded_file, limit=settings.ATTACHMENT_MAX_BYTES)
    content_type = next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)
    if content_type is None:
        raise upload_refused(_("Only PDF, JPEG and PNG files are accepted."), "unsupported_file_type")
    if content_type == PDF:
        _pdf_check(data)
    else:
        _image_check(data, content_type)
    return CheckedFile(
        data=data,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        display_name=display_name(getattr(uploaded_file, "name", ""), content_type),
    )


def _pdf_check(data: bytes) -> None:
    if b"%%EOF" not in data[-_PDF_TAIL_BYTES:]:
        raise _damaged(PDF)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pages = len(PdfReader(io.BytesIO(data), strict=False).pages)
    except Exception as exc:  # pypdf raises many kinds on malformed input; every one is a refusal
        raise _damaged(PDF) from exc
    if pages < 1:
        raise _damaged(PDF)


def _image_check(data: bytes, content_type: str) -> None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != _PILLOW_FORMATS[content_type]:
                raise _damaged(content_type)
            _pixels_check(image.width * image.height)
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # verify() reads no JPEG data; decoding finds a truncated or corrupt one
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except ValidationError:
        raise
    except Exception as exc:  # Pillow's errors on malformed images are many; every one is a refusal
        raise _damaged(content_type) from exc


def _pixels_check(pixels: int) -> None:
    if pixels > settings.ATTACHMENT_MAX_PIXELS:
        raise _too_many_pixels()


def _too_many_pixels() -> ValidationError:
    return upload_refused(
        _("The image has more than %(limit)d pixels.") % {"limit": settings.ATTACHMENT_MAX_PIXELS},
        "image_too_large",
    )


def _damaged(content_type: str) -> ValidationError:
    label = EXTENSIONS[content_type].lstrip(".").upper()
    return upload_refused(
        _("The file looks like %(type)s but cannot be read: it is damaged or incomplete.") % {"type": label},
        "file_damaged",
    )


def spreadsheet_check(uploaded_file: Any) -> tuple[bytes, str]:
    """A goods spreadsheet: XLSX (a zip that holds a workbook) or CSV text, within the import cap."""
    data = read_capped(uploaded_file, limit=settings.GOODS_IMPORT_MAX_BYTES)
    if data.startswith(b"PK\x03\x04"):
        unpacked = _workbook_size(data)
        if unpacked is None:
            raise upload_refused(_("The file is not an XLSX workbook."), "unsupported_file_type")
        if unpacked > _UNPACKED_RATIO * settings.GOODS_IMPORT_MAX_BYTES:
            raise upload_refused(_("The workbook unpacks to too much data."), "file_too_large")
        return data, XLSX
    if b"\x00" in data[:4096] or any(data.startswith(magic) for magic, _kind in _MAGIC):
        raise upload_refused(_("Only XLSX and CSV files are accepted."), "unsupported_file_type")
    return data, CSV


def _workbook_size(data: bytes) -> int | None:
    """The unpacked size of an XLSX workbook (a zip bomb is refused before openpyxl reads it)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        return None
    if "xl/workbook.xml" not in {entry.filename for entry in entries}:
        return None
    return sum(entry.file_size for entry in entries)


_UNSAFE = re.compile(r"[^\w.\- ()]+")


def display_name(client_name: str, content_type: str) -> str:
    """The client's file name made safe to show and to offer in a download, with the real extension.

    Only its last path component is kept, control and punctuation characters become ``_``, and the
    extension is the one of the detected type (a PDF called ``scan.png`` is shown as ``scan.pdf``).
    """
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", client_name or ""))[-1]
    stem = _UNSAFE.sub("_", PurePosixPath(base).stem).strip(" ._")[:_DISPLAY_NAME_MAX]
    return f"{stem or 'document'}{EXTENSIONS[content_type]}"
