"""The paper forms of a certificate's compact JWS (CONTRACT §9): compressed for the QR code, or hashed.

The compressed form keeps the protected header and the signature segments as they are and
replaces the payload segment by the base64url of the payload's raw DEFLATE (RFC 1951, no zlib
header): ``<protected>.<b64url(deflate(payload))>.<signature>``. Inflating gives back the compact
JWS byte for byte. Inflation is bounded, so a crafted QR code cannot make a verifier allocate more
than ``INFLATED_LIMIT`` bytes (a DEFLATE stream expands up to about 1,000 times). The bits that pad
the stream's last byte must be zero, as zlib writes them: like the unused bits of base64url, they
would otherwise let a changed last character of the QR text still inflate to the same JWS.

Used by the service when it prints and by the offline verifier when it reads, so it never
imports Django.
"""

from __future__ import annotations

import hashlib
import zlib

from signing.jws import MalformedJWS, b64url_decode, b64url_encode

__all__ = ["INFLATED_LIMIT", "jws_compress", "jws_inflate", "jws_sha256"]

# A QR code holds at most about 3 KB; a certificate that fits one inflates to a few kilobytes.
INFLATED_LIMIT = 256 * 1024
_DEFLATE_LEVEL = 9
_RAW_DEFLATE = -15  # window bits: 32 KiB window, no zlib header or trailer


def jws_compress(token: str) -> str:
    """The compressed form of the compact JWS ``token``."""
    protected, payload, signature = _segments(token)
    compressor = zlib.compressobj(_DEFLATE_LEVEL, zlib.DEFLATED, _RAW_DEFLATE)
    deflated = compressor.compress(payload) + compressor.flush()
    return f"{protected}.{b64url_encode(deflated)}.{signature}"


def jws_inflate(compressed: str, *, limit: int = INFLATED_LIMIT) -> str:
    """The compact JWS of which ``compressed`` is the compressed form; ``MalformedJWS`` if none.

    Refuses a middle segment that is not one complete raw DEFLATE stream, that has bytes after
    its end or padding bits that are not zero, or that would inflate to more than ``limit`` bytes.
    """
    protected, deflated, signature = _segments(compressed)
    payload = _inflate(deflated, limit)
    if not _padding_is_zero(deflated, payload, limit):
        raise MalformedJWS("the middle segment's last byte has padding bits that are not zero")
    return f"{protected}.{b64url_encode(payload)}.{signature}"


def jws_sha256(token: str) -> str:
    """``h`` of CONTRACT §9: the base64url (no padding) SHA-256 of the compact JWS's bytes."""
    return b64url_encode(hashlib.sha256(token.encode("utf-8")).digest())


def _segments(token: str) -> tuple[str, bytes, str]:
    """The first and last segments as they are, and the middle one decoded."""
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(parts) or not token.isascii():
        raise MalformedJWS("not three non-empty segments separated by dots")
    try:
        return parts[0], b64url_decode(parts[1]), parts[2]
    except ValueError as exc:
        raise MalformedJWS("the middle segment is not unpadded base64url") from exc


def _inflate(data: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(_RAW_DEFLATE)
    try:
        payload = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise MalformedJWS(f"the middle segment is not raw DEFLATE: {exc}") from exc
    if len(payload) > limit:
        raise MalformedJWS(f"the middle segment inflates to more than {limit} bytes")
    if not inflater.eof or inflater.unused_data:
        raise MalformedJWS("the middle segment is not one complete raw DEFLATE stream")
    return payload


def _padding_is_zero(data: bytes, payload: bytes, limit: int) -> bool:
    """No set bit of the last byte can be cleared without changing what the stream inflates to.

    Every bit of a DEFLATE stream up to its end-of-block code is read; the bits after it, up to
    the byte's end, are padding. Clearing a bit that is read changes the output or breaks the
    stream, clearing a padding bit changes nothing: at most eight more inflations of a few KB.
    """
    last = data[-1]
    for bit in range(8):
        if last >> bit & 1 and _inflates_to(data[:-1] + bytes([last & ~(1 << bit)]), payload, limit):
            return False
    return True


def _inflates_to(data: bytes, payload: bytes, limit: int) -> bool:
    try:
        return _inflate(data, limit) == payload
    except MalformedJWS:
        return False
