"""Answers signed many times a second (receipts): the JWS ``jws_sign`` makes, never an unverified bad one."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signing import services
from signing.backends import get_backend
from signing.backends.software import SoftwareBackend, forget_unwrapped_keys
from signing.errors import KeyUnavailable
from signing.jws import BadSignature
from signing.models import SoftwareKeyMaterial
from signing.sealing import aead_seal
from signing.services import jws_sign, jws_sign_repeated, jws_verify

pytestmark = pytest.mark.django_db
TYP = "certsvc-receipt+jws"


@pytest.fixture(autouse=True)
def _fresh_signers():
    services._sound_signers.clear()
    yield
    services._sound_signers.clear()


def test_a_repeated_signature_is_the_jws_that_jws_sign_makes(active_key):
    repeated = jws_sign_repeated(payload=b'{"a":1}', typ=TYP, key=active_key)
    assert repeated == jws_sign(payload=b'{"a":1}', typ=TYP, key=active_key).compact  # Ed25519: deterministic
    assert jws_verify(token=repeated, expected_typ=TYP).payload == b'{"a":1}'


def test_the_first_signature_of_a_key_is_verified_even_in_software(active_key, monkeypatch):
    monkeypatch.setattr(SoftwareBackend, "sign", lambda self, key_ref, data: bytes(64))
    with pytest.raises(BadSignature):
        jws_sign_repeated(payload=b"{}", typ=TYP, key=active_key)


def test_a_backend_whose_signatures_may_vary_has_every_one_verified(active_key, monkeypatch):
    jws_sign_repeated(payload=b"{}", typ=TYP, key=active_key)  # sound once
    monkeypatch.setattr(SoftwareBackend, "signatures_follow_from_key", False)
    monkeypatch.setattr(SoftwareBackend, "sign", lambda self, key_ref, data: bytes(64))
    with pytest.raises(BadSignature):
        jws_sign_repeated(payload=b"{}", typ=TYP, key=active_key)


def test_software_refuses_a_stored_private_key_that_is_not_its_kids(active_key):
    backend = get_backend(active_key.backend)
    material = SoftwareKeyMaterial.objects.get(kid=active_key.key_ref)
    data_key = backend._unwrap(material)
    another = Ed25519PrivateKey.generate().private_bytes_raw()
    material.encrypted_private_key = aead_seal(data_key, another, material.kid.encode("ascii"))
    material.save(update_fields=["encrypted_private_key"])
    forget_unwrapped_keys()
    with pytest.raises(KeyUnavailable, match="is another key"):
        backend.sign(active_key.key_ref, b"never signed")
