"""jws_sign / jws_verify against the stored keys, cross-checked with the independent joserfc library."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jws as jose_jws
from joserfc.jwk import ECKey, OKPKey

from signing.errors import NoActiveKey
from signing.jws import (
    BadSignature,
    MalformedJWS,
    UnknownKey,
    UnsupportedAlgorithm,
    b64url_decode,
    b64url_encode,
    jwk_thumbprint,
    sign_compact,
)
from signing.selectors import jwks_document
from signing.services import jws_sign, jws_verify, signing_key_create, signing_key_revoke
from tests.signing.conftest import decrypt_private_key

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:EdDSA is deprecated")]
PAYLOAD = b'{"number":"UZBY-2026-EX-000123","schema":"certsvc.certificate.v1"}'
TYP = "certsvc-certificate+jws"


def _joserfc_verify(token: str, jwk: dict, alg: str = "EdDSA") -> bytes:
    return jose_jws.deserialize_compact(token, OKPKey.import_key(jwk), algorithms=[alg]).payload


def test_signature_verifies_with_joserfc_and_the_published_jwk(active_key):
    signed = jws_sign(payload=PAYLOAD, typ=TYP)
    (published,) = jwks_document()["keys"]
    assert published["kid"] == signed.kid == active_key.kid
    assert _joserfc_verify(signed.compact, published) == PAYLOAD


def test_service_verifies_its_own_signature(active_key):
    verified = jws_verify(token=jws_sign(payload=PAYLOAD, typ=TYP).compact, expected_typ=TYP)
    assert verified.payload == PAYLOAD
    assert verified.header == {"alg": "EdDSA", "kid": active_key.kid, "typ": TYP}
    assert verified.key == active_key


def test_service_accepts_a_joserfc_token_with_the_rfc_9864_alg_name(active_key):
    private = OKPKey.import_key(Ed25519PrivateKey.from_private_bytes(decrypt_private_key(active_key)))
    header = {"alg": "Ed25519", "kid": active_key.kid, "typ": TYP}
    token = jose_jws.serialize_compact(header, PAYLOAD, private, algorithms=["Ed25519"])
    assert jws_verify(token=token).payload == PAYLOAD


def test_signing_without_an_active_key_fails(db, kek):
    signing_key_create(activate=False)
    with pytest.raises(NoActiveKey):
        jws_sign(payload=PAYLOAD, typ=TYP)


def test_alg_none_is_rejected(active_key):
    token = sign_compact(
        payload=PAYLOAD, header={"alg": "none", "kid": active_key.kid}, signer=lambda data: b"\x00" * 64
    )
    with pytest.raises(UnsupportedAlgorithm):
        jws_verify(token=token)
    unsigned = token.rsplit(".", 1)[0] + "."
    with pytest.raises(MalformedJWS):
        jws_verify(token=unsigned)


@pytest.mark.parametrize("secret_form", ["raw", "x", "jwk"])
def test_hs256_with_the_public_key_as_secret_is_rejected(active_key, secret_form):
    secret = {
        "raw": active_key.public_key_bytes,
        "x": active_key.public_x.encode(),
        "jwk": str(active_key.public_jwk).encode(),
    }[secret_form]
    token = sign_compact(
        payload=PAYLOAD,
        header={"alg": "HS256", "kid": active_key.kid, "typ": TYP},
        signer=lambda data: hmac.new(secret, data, hashlib.sha256).digest(),
    )
    with pytest.raises(UnsupportedAlgorithm):
        jws_verify(token=token, expected_typ=TYP)


def test_es256_token_naming_a_published_kid_is_rejected(active_key):
    token = jose_jws.serialize_compact(
        {"alg": "ES256", "kid": active_key.kid, "typ": TYP},
        PAYLOAD,
        ECKey.generate_key("P-256"),
        algorithms=["ES256"],
    )
    with pytest.raises(UnsupportedAlgorithm):
        jws_verify(token=token)


def test_unknown_kid_is_rejected(active_key):
    stranger = Ed25519PrivateKey.generate()
    kid = jwk_thumbprint(stranger.public_key().public_bytes_raw())
    token = sign_compact(
        payload=PAYLOAD, header={"alg": "EdDSA", "kid": kid, "typ": TYP}, signer=stranger.sign
    )
    with pytest.raises(UnknownKey):
        jws_verify(token=token)


def test_pending_key_is_unknown_to_verification(active_key):
    pending = signing_key_create(activate=False)
    private = Ed25519PrivateKey.from_private_bytes(decrypt_private_key(pending))
    token = sign_compact(
        payload=PAYLOAD, header={"alg": "EdDSA", "kid": pending.kid, "typ": TYP}, signer=private.sign
    )
    with pytest.raises(UnknownKey):
        jws_verify(token=token)


def test_flipped_signature_byte_is_rejected(active_key):
    header, payload, signature = jws_sign(payload=PAYLOAD, typ=TYP).compact.split(".")
    raw = bytearray(b64url_decode(signature))
    raw[-1] ^= 0x80
    with pytest.raises(BadSignature):
        jws_verify(token=".".join([header, payload, b64url_encode(bytes(raw))]))


def test_tampered_payload_is_rejected(active_key):
    header, _, signature = jws_sign(payload=PAYLOAD, typ=TYP).compact.split(".")
    tampered = b64url_encode(PAYLOAD.replace(b"000123", b"000124"))
    with pytest.raises(BadSignature):
        jws_verify(token=".".join([header, tampered, signature]))


def test_wrong_typ_is_rejected_when_a_typ_is_expected(active_key):
    token = jws_sign(payload=PAYLOAD, typ="certsvc-receipt+jws").compact
    with pytest.raises(MalformedJWS, match="typ"):
        jws_verify(token=token, expected_typ=TYP)
    assert jws_verify(token=token).header["typ"] == "certsvc-receipt+jws"


def test_revoked_key_still_verifies_and_reports_its_compromise_time(active_key):
    from django.utils import timezone

    token = jws_sign(payload=PAYLOAD, typ=TYP).compact
    compromised_at = timezone.now()
    signing_key_revoke(kid=active_key.kid, compromised_at=compromised_at, reason="leaked backup")
    verified = jws_verify(token=token)
    assert verified.key.status == "revoked"
    assert verified.key.was_compromised_at(compromised_at)
    assert not verified.key.was_compromised_at(compromised_at - timezone.timedelta(seconds=1))
