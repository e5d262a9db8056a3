"""The Bitstring Status List encoding (W3C): GZIP, then multibase base64url without padding."""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable

MIN_BITS = 131_072  # 16 KiB: the specification's minimum, so that one entry hides among many


def bitstring_encode(indexes: Iterable[int], *, size: int = MIN_BITS) -> str:
    """``u`` + base64url(gzip(bits)); bit ``i`` is the most significant bit of byte ``i // 8`` first."""
    indexes = list(indexes)
    bits = max(size, _rounded(max(indexes, default=0) + 1))
    buffer = bytearray(bits // 8)
    for index in indexes:
        buffer[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(buffer), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def bitstring_decode(encoded: str) -> bytes:
    """The bytes of an encoded list (for checks and tests)."""
    if not encoded.startswith("u"):
        raise ValueError("not multibase base64url")
    data = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def bit_set(bitstring: bytes, index: int) -> bool:
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


def _rounded(bits: int) -> int:
    """Grow in whole lists of ``MIN_BITS``, so a list's length says little about the count issued."""
    return -(-bits // MIN_BITS) * MIN_BITS
