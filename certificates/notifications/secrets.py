"""Webhook secrets sealed under the KEK, bound to their endpoint: a blob moved to another row fails.

The sealing is ``signing.sealing``'s, the envelope the software signing backend keeps its keys
in; ``signing_kek_rewrap`` re-wraps them too (``webhook_secrets_rewrap``, registered at start-up).
"""

from __future__ import annotations

from signing import sealing


def secret_aad(*, endpoint_id: int, field: str) -> bytes:
    return f"certsvc webhook endpoint {endpoint_id} {field}".encode()


def secret_seal(plaintext: str, *, endpoint_id: int, field: str) -> bytes:
    """The empty secret (no previous one) is stored as an empty blob: nothing to hide."""
    if not plaintext:
        return b""
    return sealing.seal(plaintext.encode(), aad=secret_aad(endpoint_id=endpoint_id, field=field))


def secret_unseal(blob: bytes | memoryview, *, endpoint_id: int, field: str) -> str:
    if not blob:
        return ""
    aad = secret_aad(endpoint_id=endpoint_id, field=field)
    return sealing.unseal(bytes(blob), aad=aad).decode()


def secret_reseal(blob: bytes | memoryview, *, endpoint_id: int, field: str) -> bytes | None:
    """The blob re-wrapped under the current KEK, or None when it needs nothing."""
    if not blob or sealing.sealed_kek_id(bytes(blob)) == sealing.current_kek_id():
        return None
    return sealing.reseal(bytes(blob), aad=secret_aad(endpoint_id=endpoint_id, field=field))
