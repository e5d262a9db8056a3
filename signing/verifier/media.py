"""Reading what a border post holds: a file's bytes as text, a PDF's embedded JWS, a photo's QR codes.

PDFs are read with pypdf, photos and scans (PNG, JPEG, anything Pillow opens) with Pillow and
zxing-cpp. They are imported only when such a file is given, so that checking a JWS file needs
none of them.
"""

from __future__ import annotations

import importlib
import io
from typing import Any

from signing.verifier.errors import VerifierError

__all__ = ["MAX_FILE_BYTES", "embedded_files", "is_pdf", "qr_texts", "read_bytes", "text_of"]

MAX_FILE_BYTES = 64 * 1024 * 1024  # a scan of a few pages, with room to spare
MAX_EMBEDDED_BYTES = 1024 * 1024  # a certificate's JWS is tens of kilobytes at most
_PDF_MAGIC = b"%PDF-"


def read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise VerifierError(f"cannot read {path}: {exc}") from exc
    if len(data) > MAX_FILE_BYTES:
        raise VerifierError(f"{path} is larger than {MAX_FILE_BYTES} bytes")
    return data


def text_of(data: bytes) -> str | None:
    """The file as UTF-8 text, or None if it is not (then it may be a picture)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def is_pdf(data: bytes) -> bool:
    return data.lstrip()[: len(_PDF_MAGIC)] == _PDF_MAGIC


def embedded_files(data: bytes, path: str) -> dict[str, bytes]:
    """The PDF's embedded files by name (the first of each name), each at most 1 MiB."""
    pypdf = _module("pypdf", "reading a PDF", "pypdf")
    try:
        attachments = pypdf.PdfReader(io.BytesIO(data)).attachments
        files = {name: attachments[name][0] for name in attachments}
    except (pypdf.errors.PyPdfError, ValueError, KeyError, IndexError, OSError) as exc:
        raise VerifierError(f"{path} is not a readable PDF: {exc}") from exc
    return {name: content for name, content in files.items() if len(content) <= MAX_EMBEDDED_BYTES}


def qr_texts(data: bytes, path: str) -> list[str]:
    """The texts of the QR codes found in the picture, in the order zxing-cpp finds them."""
    image = _image(data, path)
    zxingcpp = _module("zxingcpp", "reading a QR code", "zxing-cpp")
    return [barcode.text for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def _image(data: bytes, path: str) -> Any:
    """The picture upright (as its EXIF orientation says), in grey."""
    pil_image = _module("PIL.Image", "reading a picture", "Pillow")
    pil_ops = _module("PIL.ImageOps", "reading a picture", "Pillow")
    try:
        image = pil_image.open(io.BytesIO(data))
        return pil_ops.exif_transpose(image).convert("L")
    except (OSError, ValueError, pil_image.DecompressionBombError) as exc:
        raise VerifierError(
            f"{path} is neither a certificate, a QR text, a PDF nor a picture: {exc}"
        ) from exc


def _module(name: str, purpose: str, package: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise VerifierError(f"{purpose} needs the Python package {package}") from exc
