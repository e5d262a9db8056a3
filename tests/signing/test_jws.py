"""The offline JWS module: compact serialization, strict parsing, Ed25519 verification, JWK helpers."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signing.jws import (
    BadSignature,
    MalformedJWS,
    UnsupportedAlgorithm,
    b64url_decode,
    b64url_encode,
    ed25519_header,
    ed25519_x_from_jwk,
    jwk_thumbprint,
    parse_compact,
    public_jwk,
    sign_compact,
    verify_ed25519,
)

# RFC 8037 Appendix A: the example Ed25519 key and its RFC 7638 thumbprint.
RFC8037_X = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC8037_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


@pytest.fixture
def private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def _token(private_key, *, header=None, payload=b'{"a":1}') -> str:
    x = private_key.public_key().public_bytes_raw()
    header = header or ed25519_header(kid=jwk_thumbprint(x), typ="t+jws")
    return sign_compact(payload=payload, header=header, signer=private_key.sign)


def _raw_token(header: bytes, payload: bytes = b"{}", signature: bytes = b"\x01" * 64) -> str:
    return ".".join(b64url_encode(part) for part in (header, payload, signature))


def test_offline_modules_do_not_import_django():
    code = "import sys, signing.jws, signing.canonical; print('django' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_thumbprint_matches_rfc_8037_example():
    assert jwk_thumbprint(RFC8037_X) == RFC8037_THUMBPRINT


def test_public_jwk_has_exactly_the_published_members():
    assert public_jwk(RFC8037_X, RFC8037_THUMBPRINT) == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
        "kid": RFC8037_THUMBPRINT,
        "use": "sig",
        "alg": "EdDSA",
    }


def test_header_is_serialized_exactly_as_the_contract_shows(private_key):
    token = _token(private_key)
    header_bytes = b64url_decode(token.split(".")[0])
    kid = jwk_thumbprint(private_key.public_key().public_bytes_raw())
    assert header_bytes == f'{{"alg":"EdDSA","kid":"{kid}","typ":"t+jws"}}'.encode()


def test_signed_token_parses_and_verifies(private_key):
    parsed = parse_compact(_token(private_key, payload=b"\x00payload"))
    verify_ed25519(parsed, private_key.public_key())
    verify_ed25519(parsed, private_key.public_key().public_bytes_raw())
    assert parsed.payload == b"\x00payload"
    assert parsed.typ == "t+jws"


def test_base64url_has_no_padding_and_decoding_is_strict():
    assert b64url_encode(b"\xff\xfe") == "__4"
    for bad in ("__4=", "a+b/", "abcde", "__5", "a b"):
        with pytest.raises(ValueError, match="base64url"):
            b64url_decode(bad)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "a.b",
        "a.b.c.d",
        "e30.e30.",
        _raw_token(b"not json"),
        _raw_token(b"[1,2]"),
        _raw_token(b'{"alg":"EdDSA"}'),
        _raw_token(b'{"kid":"k"}'),
        _raw_token(b'{"alg":"EdDSA","kid":""}'),
        _raw_token(b'{"alg":"EdDSA","kid":"k","crit":["exp"],"exp":1}'),
        _raw_token(b'{"alg":"EdDSA","kid":"k","kid":"other"}'),
        _raw_token(b'{"alg":"EdDSA","kid":"k","typ":7}'),
        _raw_token(b"\xff\xfe"),
        "eyJhbGciOiJFZERTQSIsImtpZCI6ImsifQ==.e30.AQ",
        "é.e30.AQ",
    ],
)
def test_malformed_tokens_are_rejected(token):
    with pytest.raises(MalformedJWS):
        parse_compact(token)


@pytest.mark.parametrize("alg", ["none", "HS256", "ES256", "RS256", "EdDSA ", "eddsa", "Ed448"])
def test_only_ed25519_algorithm_names_are_accepted(private_key, alg):
    x = private_key.public_key().public_bytes_raw()
    token = _token(private_key, header={"alg": alg, "kid": jwk_thumbprint(x)})
    with pytest.raises(UnsupportedAlgorithm):
        verify_ed25519(parse_compact(token), x)


def test_rfc_9864_name_ed25519_is_accepted_too(private_key):
    x = private_key.public_key().public_bytes_raw()
    token = _token(private_key, header={"alg": "Ed25519", "kid": jwk_thumbprint(x)})
    verify_ed25519(parse_compact(token), x)


def test_flipped_signature_byte_is_a_bad_signature(private_key):
    header, payload, signature = _token(private_key).split(".")
    raw = bytearray(b64url_decode(signature))
    raw[10] ^= 0x01
    with pytest.raises(BadSignature):
        verify_ed25519(
            parse_compact(f"{header}.{payload}.{b64url_encode(bytes(raw))}"), private_key.public_key()
        )


def test_tampered_payload_is_a_bad_signature(private_key):
    header, _, signature = _token(private_key, payload=b'{"a":1}').split(".")
    forged = ".".join([header, b64url_encode(b'{"a":2}'), signature])
    with pytest.raises(BadSignature):
        verify_ed25519(parse_compact(forged), private_key.public_key())


def test_another_keys_signature_is_a_bad_signature(private_key):
    with pytest.raises(BadSignature):
        verify_ed25519(parse_compact(_token(private_key)), Ed25519PrivateKey.generate().public_key())


def test_a_key_that_is_not_32_bytes_is_refused(private_key):
    with pytest.raises(UnsupportedAlgorithm):
        verify_ed25519(parse_compact(_token(private_key)), b"\x00" * 65)


def test_jwk_of_another_curve_is_refused():
    with pytest.raises(UnsupportedAlgorithm):
        ed25519_x_from_jwk({"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"})
    with pytest.raises(UnsupportedAlgorithm):
        ed25519_x_from_jwk({"kty": "OKP", "crv": "Ed448", "x": "AA"})
    jwk = public_jwk(RFC8037_X, RFC8037_THUMBPRINT)
    assert ed25519_x_from_jwk(json.loads(json.dumps(jwk))) == RFC8037_X


def test_a_deeply_nested_header_is_malformed_not_a_crash():
    from signing.jws import MalformedJWS, b64url_encode, parse_compact

    header = b64url_encode(b"[" * 5000 + b"]" * 5000)
    with pytest.raises(MalformedJWS):
        parse_compact(f"{header}.{b64url_encode(b'{}')}.{b64url_encode(b'x' * 64)}")


@pytest.mark.parametrize("kid", ["a\x00b", "key id with spaces", "k" * 129, "../../etc"])
def test_a_kid_that_is_not_a_key_id_is_malformed(kid):
    import json

    from signing.jws import MalformedJWS, b64url_encode, parse_compact

    header = b64url_encode(json.dumps({"alg": "EdDSA", "kid": kid}).encode())
    with pytest.raises(MalformedJWS, match="kid"):
        parse_compact(f"{header}.{b64url_encode(b'{}')}.{b64url_encode(b'x' * 64)}")
