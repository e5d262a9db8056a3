"""Fixtures for the signing tests.

The raw private key is recovered here, in test code only, by decrypting the stored
material with the KEK from settings: production code has no way to return it.
"""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from signing.models import SigningKey, SoftwareKeyMaterial
from signing.services import signing_key_create

NONCE = 12


def kek_bytes(kek_id: str | None = None) -> bytes:
    assert kek_id in (None, settings.SIGNING_KEK_ID)
    return base64.b64decode(settings.SIGNING_KEK)


def decrypt_private_key(key: SigningKey, kek: bytes | None = None) -> bytes:
    material = SoftwareKeyMaterial.objects.get(kid=key.key_ref)
    aad = material.kid.encode("ascii")
    wrapped = bytes(material.wrapped_data_key)
    data_key = AESGCM(kek or kek_bytes()).decrypt(wrapped[:NONCE], wrapped[NONCE:], aad)
    sealed = bytes(material.encrypted_private_key)
    return AESGCM(data_key).decrypt(sealed[:NONCE], sealed[NONCE:], aad)


def new_kek() -> str:
    return base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()


@pytest.fixture
def kek(settings):
    """A fresh KEK per test, so tests never depend on the development KEK file."""
    settings.SIGNING_KEK = new_kek()
    settings.SIGNING_KEK_ID = "kek-test"
    settings.SIGNING_OLD_KEKS = ""
    return settings.SIGNING_KEK


@pytest.fixture
def active_key(db, kek) -> SigningKey:
    return signing_key_create(activate=True)
