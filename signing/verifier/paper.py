"""A paper certificate (CONTRACT §9): its JWS from the QR text, a photo or scan of it, or the PDF.

The QR text is ``{PUBLIC_BASE_URL}/v/{number}?k={access_code}#z={compressed JWS}``: the fragment
inflates (``signing.paper``) to the certificate's compact JWS, which then verifies with the JWKS
alone. A certificate too large for that carries ``#h={SHA-256 of the JWS}``: the JWS comes from
the PDF's embedded ``{number}.jws`` or a JWS file (``--document``), and only one with that hash is
taken. A PDF given itself yields its embedded ``{number}.jws``.

Input that cannot be read is a ``VerifierError`` (the CLI exits 2). A paper that does not yield
the certificate it names is a verdict, ``malformed`` (exit 1): a fragment that does not inflate,
no document with the hash, or a number in the address (or the file's name) other than the JWS's.
"""

from __future__ import annotations

import hmac
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from signing.jws import MalformedJWS
from signing.paper import jws_inflate, jws_sha256
from signing.verifier.errors import VerifierError
from signing.verifier.media import embedded_files, is_pdf, qr_texts, read_bytes, text_of
from signing.verifier.results import Check, Checks, Result
from signing.verifier.texts import text

__all__ = ["Paper", "PaperMismatch", "is_qr_text", "read_documents", "read_paper", "verify_paper"]

_QR_TEXT = re.compile(r"https?://[^\s#?]*/v/(?P<number>[A-Za-z0-9-]+)(?:\?[^\s#]*)?(?:#(?P<fragment>\S*))?")


class PaperMismatch(Exception):
    """The paper does not yield the certificate it names: ``malformed``, with a catalog message."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message, self.params = message, params


@dataclass(frozen=True)
class Paper:
    """The compact JWS that the paper yields, and the number its QR code or file name gives."""

    token: str
    number: str | None = None


def read_paper(source: str, documents: Sequence[str] = ()) -> Paper:
    """``source``: a file (JWS, QR text, PDF or picture) or the QR text itself.

    ``documents``: compact JWSs among which a QR code's ``#h=`` is looked for (``read_documents``).
    """
    if not os.path.isfile(source) and is_qr_text(source):
        return paper_of_qr_text(source, documents)
    data = read_bytes(source)
    if is_pdf(data):
        return paper_of_pdf(data, source)
    content = text_of(data)
    if content is None:
        return paper_of_picture(data, source, documents)
    if is_qr_text(content.strip()):
        return paper_of_qr_text(content.strip(), documents)
    return Paper(content)


def read_documents(paths: Sequence[str]) -> list[str]:
    """The compact JWS of each file: a PDF's embedded ``{number}.jws``, else the file's text."""
    return [_document(path) for path in paths]


def _document(path: str) -> str:
    data = read_bytes(path)
    if is_pdf(data):
        return paper_of_pdf(data, path).token
    content = text_of(data)
    if content is None:
        raise VerifierError(f"{path} is neither a certificate JWS nor a PDF")
    return content.strip()


def is_qr_text(candidate: str) -> bool:
    return candidate.startswith(("https://", "http://")) and "/v/" in candidate


def paper_of_qr_text(qr_text: str, documents: Sequence[str] = ()) -> Paper:
    match = _QR_TEXT.fullmatch(qr_text.strip())
    if match is None:
        raise PaperMismatch("the QR text is not the address of a certificate")
    kind, _, value = (match["fragment"] or "").partition("=")
    if kind == "z":
        return Paper(_inflated(value), match["number"])
    if kind == "h":
        return Paper(_document_with_hash(value, documents), match["number"])
    raise PaperMismatch("the QR code carries neither #z= nor #h=")


def _inflated(compressed: str) -> str:
    try:
        return jws_inflate(compressed)
    except MalformedJWS as exc:
        raise PaperMismatch("the QR code's #z= is not a compressed JWS: %(reason)s", reason=str(exc)) from exc


def _document_with_hash(digest: str, documents: Sequence[str]) -> str:
    if not documents:
        raise VerifierError(
            "the QR code holds only the SHA-256 of the certificate (#h=): "
            "give its PDF or JWS file with --document"
        )
    for token in documents:
        if hmac.compare_digest(jws_sha256(token).encode(), digest.encode()):
            return token
    raise PaperMismatch("no document given has the SHA-256 that the QR code names (#h=)")


def paper_of_pdf(data: bytes, path: str) -> Paper:
    """The PDF's one embedded ``{number}.jws``."""
    files = embedded_files(data, path)
    names = [name for name in files if name.endswith(".jws")]
    if len(names) != 1:
        raise VerifierError(f"{path} embeds {len(names)} .jws files, not one certificate")
    content = files[names[0]]
    try:
        return Paper(content.decode("ascii").strip(), names[0].removesuffix(".jws"))
    except UnicodeDecodeError as exc:
        raise PaperMismatch("the embedded %(name)s is not a compact JWS", name=names[0]) from exc


def paper_of_picture(data: bytes, path: str, documents: Sequence[str] = ()) -> Paper:
    """The certificate of the one certificate QR code in a photo or scan."""
    found = list(dict.fromkeys(qr for qr in qr_texts(data, path) if is_qr_text(qr)))
    if not found:
        raise VerifierError(f"no certificate QR code could be read in {path}")
    if len(found) > 1:
        raise VerifierError(f"{path} shows {len(found)} certificate QR codes: give one at a time")
    return paper_of_qr_text(found[0], documents)


def verify_paper(read: Callable[[], Paper], verify: Callable[[str], Result], language: str) -> Result:
    """``verify`` the JWS that ``read`` finds; ``malformed`` when the paper does not yield it."""
    try:
        paper = read()
    except PaperMismatch as exc:
        checks = Checks(language)
        checks.add("well_formed", False, "malformed", exc.message, **exc.params)
        return checks.result(None)
    result = verify(paper.token)
    if paper.number is None or result.number in (None, paper.number):
        return result
    return _named_otherwise(result, paper.number, language)


def _named_otherwise(result: Result, named: str, language: str) -> Result:
    """``result`` made ``malformed``: the paper names another certificate than the JWS it holds."""
    detail = text(
        language,
        "the paper names certificate %(named)s, the JWS is %(number)s",
        named=named,
        number=result.number,
    )
    failed: Check = {"name": "well_formed", "ok": False, "detail": detail}
    checks = [failed if check["name"] == "well_formed" else check for check in result.checks]
    return replace(result, valid=False, status="malformed", checks=checks)
