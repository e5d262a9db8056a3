"""Software backend: Ed25519 keys encrypted at rest under a key-encryption key (KEK).

Each private key is encrypted with its own fresh AES-256-GCM data key; the data
key is wrapped with AES-256-GCM under the KEK ``settings.SIGNING_KEK`` (id
``settings.SIGNING_KEK_ID``). Older KEKs listed in ``settings.SIGNING_OLD_KEKS``
(``id1:base64,id2:base64``) still unwrap until ``signing_kek_rewrap`` moves every
data key to the current KEK. Anything that fails to unwrap fails closed.
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from signing.backends.base import CreatedKey, SigningBackend
from signing.errors import KeyUnavailable
from signing.jws import b64url_decode, b64url_encode, jwk_thumbprint
from signing.sealing import aead_open as _open
from signing.sealing import aead_seal as _seal
from signing.sealing import configured_keks
from signing.sealing import kek as _kek

if TYPE_CHECKING:
    from signing.models import SoftwareKeyMaterial

__all__ = ["SoftwareBackend", "configured_keks", "forget_unwrapped_keys"]

_PROBE = b"certsvc signing backend probe"
# Unwrapping costs a query and two AES-GCM openings per signature; the unwrapped key object (never its
# bytes) is kept in this process for a short while, per key and KEK configuration, so a changed KEK
# is never bypassed and changed material is seen again within UNWRAPPED_TTL_SECONDS.
UNWRAPPED_TTL_SECONDS = 60.0
_unwrapped: dict[tuple[str, str], tuple[float, Ed25519PrivateKey]] = {}
_unwrapped_lock = threading.Lock()


def _kek_fingerprint() -> str:
    config = f"{settings.SIGNING_KEK_ID}|{settings.SIGNING_KEK}|{settings.SIGNING_OLD_KEKS or ''}"
    return hashlib.sha256(config.encode()).hexdigest()


def forget_unwrapped_keys() -> None:
    """Drop every unwrapped key of this process (after a revocation, a KEK change, in tests)."""
    with _unwrapped_lock:
        _unwrapped.clear()


class SoftwareBackend(SigningBackend):
    # Every private key is checked against its kid when unwrapped, and Ed25519 signs deterministically.
    signatures_follow_from_key = True

    def create_key(self) -> CreatedKey:
        from signing.models import SoftwareKeyMaterial

        kek_id = settings.SIGNING_KEK_ID
        kek = _kek(kek_id)
        private_key = Ed25519PrivateKey.generate()
        public_x = private_key.public_key().public_bytes_raw()
        kid = jwk_thumbprint(public_x)
        aad = kid.encode("ascii")
        data_key = AESGCM.generate_key(bit_length=256)
        SoftwareKeyMaterial.objects.create(
            kid=kid,
            public_x=b64url_encode(public_x),
            kek_id=kek_id,
            wrapped_data_key=_seal(kek, data_key, aad),
            encrypted_private_key=_seal(data_key, private_key.private_bytes_raw(), aad),
        )
        return CreatedKey(key_ref=kid, public_x=public_x)

    def public_key(self, key_ref: str) -> bytes:
        return b64url_decode(self._material(key_ref).public_x)

    def sign(self, key_ref: str, data: bytes) -> bytes:
        return self._unwrapped_key(key_ref).sign(data)

    def _unwrapped_key(self, key_ref: str) -> Ed25519PrivateKey:
        cache_key = (key_ref, _kek_fingerprint())
        now = time.monotonic()
        cached = _unwrapped.get(cache_key)
        if cached is not None and cached[0] > now:
            return cached[1]
        private_key = self._private_key(self._material(key_ref))
        with _unwrapped_lock:
            _unwrapped[cache_key] = (now + UNWRAPPED_TTL_SECONDS, private_key)
        return private_key

    def check_usable(self, key_ref: str) -> None:
        material = self._material(key_ref)
        signature = self._private_key(material).sign(_PROBE)
        try:
            Ed25519PublicKey.from_public_bytes(b64url_decode(material.public_x)).verify(signature, _PROBE)
        except InvalidSignature as exc:
            raise KeyUnavailable(f"private key of {key_ref!r} does not match its public key") from exc

    def rewrap_data_keys(self) -> int:
        """Re-wrap every data key held under an older KEK with the current one; returns how many.

        One transaction: if any data key cannot be unwrapped, nothing changes.
        """
        from signing.models import SoftwareKeyMaterial

        current_id = settings.SIGNING_KEK_ID
        current = _kek(current_id)
        count = 0
        with transaction.atomic():
            for material in SoftwareKeyMaterial.objects.select_for_update().exclude(kek_id=current_id):
                self._rewrap(material, kek_id=current_id, kek=current)
                count += 1
        return count

    def _rewrap(self, material: SoftwareKeyMaterial, *, kek_id: str, kek: bytes) -> None:
        data_key = self._unwrap(material)
        material.wrapped_data_key = _seal(kek, data_key, material.kid.encode("ascii"))
        material.kek_id = kek_id
        material.rewrapped_at = timezone.now()
        material.save(update_fields=["wrapped_data_key", "kek_id", "rewrapped_at"])

    def _material(self, key_ref: str) -> SoftwareKeyMaterial:
        from signing.models import SoftwareKeyMaterial

        try:
            return SoftwareKeyMaterial.objects.get(kid=key_ref)
        except SoftwareKeyMaterial.DoesNotExist as exc:
            raise KeyUnavailable(f"software backend holds no key {key_ref!r}") from exc

    def _unwrap(self, material: SoftwareKeyMaterial) -> bytes:
        try:
            kek = _kek(material.kek_id)
            return _open(kek, bytes(material.wrapped_data_key), material.kid.encode("ascii"))
        except InvalidTag as exc:
            raise KeyUnavailable(
                f"cannot unwrap the data key of {material.kid!r}: wrong key-encryption key for id "
                f"{material.kek_id!r}"
            ) from exc

    def _private_key(self, material: SoftwareKeyMaterial) -> Ed25519PrivateKey:
        data_key = self._unwrap(material)
        try:
            raw = _open(data_key, bytes(material.encrypted_private_key), material.kid.encode("ascii"))
        except InvalidTag as exc:
            raise KeyUnavailable(f"cannot decrypt the private key of {material.kid!r}") from exc
        private_key = Ed25519PrivateKey.from_private_bytes(raw)
        if jwk_thumbprint(private_key.public_key().public_bytes_raw()) != material.kid:
            raise KeyUnavailable(f"the private key stored as {material.kid!r} is another key")
        return private_key
