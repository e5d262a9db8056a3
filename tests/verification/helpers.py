"""Forged, tampered and re-signed documents for the verification tests."""

from __future__ import annotations

import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signing.canonical import canonicalize
from signing.jws import TYP_CERTIFICATE, b64url_decode, b64url_encode, ed25519_header, sign_compact
from signing.services import jws_sign

VERIFY_URL = "/api/v1/verify/"


def parts(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes]:
    header, payload, signature = token.split(".")
    return json.loads(b64url_decode(header)), json.loads(b64url_decode(payload)), b64url_decode(signature)


def with_payload(token: str, document: dict[str, Any]) -> str:
    """The same header and signature over a different payload (a tampered document)."""
    header, _, signature = token.split(".")
    return f"{header}.{b64url_encode(canonicalize(document))}.{signature}"


def with_header(token: str, header: dict[str, Any]) -> str:
    _, payload, signature = token.split(".")
    return f"{b64url_encode(json.dumps(header).encode())}.{payload}.{signature}"


def with_flipped_signature_byte(token: str) -> str:
    header, payload, signature = token.split(".")
    raw = bytearray(b64url_decode(signature))
    raw[10] ^= 0x01
    return f"{header}.{payload}.{b64url_encode(bytes(raw))}"


def tampered(token: str) -> str:
    _, document, _ = parts(token)
    document["items"][0]["quantity"] = "9999.000"
    return with_payload(token, document)


def signed_by_unknown_key(document: dict[str, Any]) -> str:
    key = Ed25519PrivateKey.generate()
    return sign_compact(
        payload=canonicalize(document),
        header=ed25519_header(kid="not-a-published-key", typ=TYP_CERTIFICATE),
        signer=key.sign,
    )


def signed_by_service(document: dict[str, Any]) -> str:
    """Correctly signed with its body's active key, but not what the registry issued."""
    country = document["issuer"]["country"]
    return jws_sign(payload=canonicalize(document), typ=TYP_CERTIFICATE, issuer_country=country).compact
