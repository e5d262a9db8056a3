"""Sealing under the key-encryption key (KEK): the envelope the software backend wraps keys in.

A plaintext is encrypted with its own fresh AES-256-GCM data key; the data key is wrapped with
AES-256-GCM under the KEK ``settings.SIGNING_KEK`` (id ``settings.SIGNING_KEK_ID``); both carry
the caller's associated data, so a blob moved to another row does not open. Older KEKs in
``settings.SIGNING_OLD_KEKS`` (``id1:base64,id2:base64``) still open until ``signing_kek_rewrap``
re-wraps the data keys under the current one.

``seal``/``unseal`` make a self-describing blob for apps with a secret to keep (webhook secrets):
``b"KS1" | len(kek id) | kek id | wrapped data key | sealed plaintext``. Apps that keep such blobs
register a rewrap step with ``rewrap_register``; the command runs every registered step, so
signing never imports them.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from signing.errors import KeyUnavailable

NONCE_LENGTH = 12
_MAGIC = b"KS1"
# nonce + 32-byte data key + 16-byte tag
_WRAPPED_KEY_LENGTH = NONCE_LENGTH + 32 + 16

RewrapStep = Callable[[], int]
_rewrap_steps: dict[str, RewrapStep] = {}


def configured_keks() -> dict[str, str]:
    """KEK id → base64 text, the current KEK last so it wins over a same-named old one."""
    keks: dict[str, str] = {}
    for item in (settings.SIGNING_OLD_KEKS or "").split(","):
        if item.strip():
            kek_id, _, encoded = item.strip().partition(":")
            keks[kek_id.strip()] = encoded
    keks[settings.SIGNING_KEK_ID] = settings.SIGNING_KEK
    return keks


def current_kek_id() -> str:
    return str(settings.SIGNING_KEK_ID)


def kek(kek_id: str) -> bytes:
    """The 32 bytes of the KEK ``kek_id``; ``KeyUnavailable`` when it is missing or malformed."""
    encoded = configured_keks().get(kek_id)
    if not encoded:
        raise KeyUnavailable(
            f"key-encryption key {kek_id!r} is not configured (SIGNING_KEK / SIGNING_OLD_KEKS)"
        )
    return _parse_kek(kek_id, encoded)


def _parse_kek(kek_id: str, encoded: str) -> bytes:
    try:
        key = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeyUnavailable(f"key-encryption key {kek_id!r} is not valid base64") from exc
    if len(key) != 32:
        raise KeyUnavailable(f"key-encryption key {kek_id!r} must be 32 bytes (AES-256), not {len(key)}")
    return key


def aead_seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_LENGTH)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def aead_open(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    """Raises ``InvalidTag`` for a wrong key, a changed blob or other associated data."""
    return AESGCM(key).decrypt(sealed[:NONCE_LENGTH], sealed[NONCE_LENGTH:], aad)


def seal(plaintext: bytes, *, aad: bytes) -> bytes:
    """``plaintext`` sealed under a fresh data key wrapped by the current KEK, bound to ``aad``."""
    kek_id = current_kek_id()
    data_key = AESGCM.generate_key(bit_length=256)
    wrapped = aead_seal(kek(kek_id), data_key, aad)
    return _header(kek_id) + wrapped + aead_seal(data_key, plaintext, aad)


def unseal(blob: bytes, *, aad: bytes) -> bytes:
    """The plaintext of ``blob``; ``KeyUnavailable`` for a wrong KEK, a changed blob or other ``aad``."""
    kek_id, wrapped, sealed = _parts(bytes(blob))
    try:
        return aead_open(_data_key(kek_id, wrapped, aad), sealed, aad)
    except InvalidTag as exc:
        raise KeyUnavailable("cannot open a sealed secret: it was changed or belongs elsewhere") from exc


def sealed_kek_id(blob: bytes) -> str:
    return _parts(bytes(blob))[0]


def reseal(blob: bytes, *, aad: bytes) -> bytes:
    """``blob`` with its data key re-wrapped under the current KEK; the plaintext stays sealed."""
    kek_id, wrapped, sealed = _parts(bytes(blob))
    current = current_kek_id()
    data_key = _data_key(kek_id, wrapped, aad)
    return _header(current) + aead_seal(kek(current), data_key, aad) + sealed


def _data_key(kek_id: str, wrapped: bytes, aad: bytes) -> bytes:
    try:
        return aead_open(kek(kek_id), wrapped, aad)
    except InvalidTag as exc:
        raise KeyUnavailable(
            f"cannot unwrap a sealed data key: wrong key-encryption key for id {kek_id!r}, "
            "or the blob belongs elsewhere"
        ) from exc


def _header(kek_id: str) -> bytes:
    encoded = kek_id.encode("utf-8")
    if not 0 < len(encoded) < 256:
        raise KeyUnavailable(f"key-encryption key id {kek_id!r} must be 1 to 255 bytes")
    return _MAGIC + bytes([len(encoded)]) + encoded


def _parts(blob: bytes) -> tuple[str, bytes, bytes]:
    """(KEK id, wrapped data key, sealed plaintext) of a blob made by ``seal``."""
    if not blob.startswith(_MAGIC) or len(blob) <= len(_MAGIC):
        raise KeyUnavailable("not a sealed secret")
    start = len(_MAGIC) + 1
    end = start + blob[len(_MAGIC)]
    kek_id = blob[start:end].decode("utf-8", "replace")
    wrapped, sealed = blob[end : end + _WRAPPED_KEY_LENGTH], blob[end + _WRAPPED_KEY_LENGTH :]
    if len(wrapped) != _WRAPPED_KEY_LENGTH or len(sealed) <= NONCE_LENGTH:
        raise KeyUnavailable("a sealed secret is truncated")
    return kek_id, wrapped, sealed


def rewrap_register(name: str, step: RewrapStep) -> None:
    """``step()`` re-wraps an app's sealed blobs under the current KEK and returns how many."""
    _rewrap_steps[name] = step


def rewrap_registered() -> dict[str, int]:
    """Run every registered rewrap step; name → how many blobs it re-wrapped."""
    return {name: step() for name, step in sorted(_rewrap_steps.items())}
