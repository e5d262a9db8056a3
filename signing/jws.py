"""JWS compact serialization (RFC 7515) with Ed25519 (RFC 8032, RFC 8037).

Used offline as well as by the service, so it never imports Django. The
algorithm comes from the key (always Ed25519 here), never from the header: the
header's ``alg`` may only name Ed25519 (``EdDSA`` or its RFC 9864 name
``Ed25519``); ``none``, HMAC and every other algorithm are refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from signing.canonical import canonicalize

__all__ = [
    "ACCEPTED_ED25519_ALGS",
    "ALG_EDDSA",
    "TYP_CERTIFICATE",
    "TYP_CHECKPOINT",
    "TYP_COSIGNATURE",
    "TYP_RECEIPT",
    "TYP_STATUS",
    "BadSignature",
    "JWSError",
    "MalformedJWS",
    "ParsedJWS",
    "UnknownKey",
    "UnsupportedAlgorithm",
    "b64url_decode",
    "b64url_encode",
    "ed25519_header",
    "ed25519_x_from_jwk",
    "encoded_header",
    "jwk_thumbprint",
    "parse_compact",
    "public_jwk",
    "sign_compact",
    "sign_compact_with_header",
    "verify_ed25519",
]

ALG_EDDSA = "EdDSA"
ACCEPTED_ED25519_ALGS = frozenset({"EdDSA", "Ed25519"})
TYP_CERTIFICATE = "certsvc-certificate+jws"
TYP_CHECKPOINT = "certsvc-checkpoint+jws"
TYP_COSIGNATURE = "certsvc-cosignature+jws"
TYP_RECEIPT = "certsvc-receipt+jws"
TYP_STATUS = "certsvc-status+jws"

ED25519_KEY_LENGTH = 32
ED25519_SIGNATURE_LENGTH = 64
_B64URL = re.compile(r"[A-Za-z0-9_-]*")


class JWSError(Exception):
    """Any reason a JWS is not accepted."""


class MalformedJWS(JWSError):
    """Not a well-formed compact JWS of the kind expected."""


class UnsupportedAlgorithm(JWSError):
    """The header or key names an algorithm other than Ed25519."""


class UnknownKey(JWSError):
    """The ``kid`` names no published key."""


class BadSignature(JWSError):
    """The signature does not verify with the named key."""


@dataclass(frozen=True)
class ParsedJWS:
    header: dict[str, Any]
    payload: bytes
    signing_input: bytes
    signature: bytes

    @property
    def alg(self) -> str:
        alg: str = self.header["alg"]  # parse_compact refuses a header whose alg is not a string
        return alg

    @property
    def kid(self) -> str:
        kid: str = self.header["kid"]  # parse_compact refuses a header whose kid is not a key id
        return kid

    @property
    def typ(self) -> str | None:
        return self.header.get("typ")


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict base64url without padding (RFC 7515 §2); raises ``ValueError`` otherwise."""
    if not isinstance(text, str) or not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not unpadded base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not unpadded base64url") from exc
    # Unused trailing bits must be zero, so that each byte string has exactly one encoding.
    if b64url_encode(data) != text:
        raise ValueError("non-canonical base64url")
    return data


def ed25519_header(*, kid: str, typ: str) -> dict[str, str]:
    return {"alg": ALG_EDDSA, "kid": kid, "typ": typ}


def sign_compact(*, payload: bytes, header: dict[str, Any], signer: Callable[[bytes], bytes]) -> str:
    """``header.payload.signature``; the header is serialized canonically (sorted, no spaces)."""
    return sign_compact_with_header(payload=payload, header_part=encoded_header(header), signer=signer)


def encoded_header(header: dict[str, Any]) -> str:
    """The first part of a compact JWS: the header's canonical JSON in base64url."""
    return b64url_encode(canonicalize(header))


def sign_compact_with_header(*, payload: bytes, header_part: str, signer: Callable[[bytes], bytes]) -> str:
    """``sign_compact`` with the header already encoded (``encoded_header``): one header, many payloads."""
    signing_input = f"{header_part}.{b64url_encode(payload)}".encode("ascii")
    return f"{signing_input.decode('ascii')}.{b64url_encode(signer(signing_input))}"


def parse_compact(token: str) -> ParsedJWS:
    """Split and decode a compact JWS; raises ``MalformedJWS`` on anything unexpected."""
    if not isinstance(token, str) or not token.isascii():
        raise MalformedJWS("a compact JWS is an ASCII string")
    parts = token.split(".")
    if len(parts) != 3:
        raise MalformedJWS(f"a compact JWS has 3 parts, this one has {len(parts)}")
    header_part, payload_part, signature_part = parts
    header = _parse_header(_decode_part(header_part, "header"))
    payload = _decode_part(payload_part, "payload")
    signature = _decode_part(signature_part, "signature")
    if not signature:
        raise MalformedJWS("the signature is empty")
    signing_input = f"{header_part}.{payload_part}".encode("ascii")
    return ParsedJWS(header=header, payload=payload, signing_input=signing_input, signature=signature)


def _decode_part(part: str, name: str) -> bytes:
    try:
        return b64url_decode(part)
    except ValueError as exc:
        raise MalformedJWS(f"the {name} is not unpadded base64url") from exc


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise MalformedJWS("the header repeats a member")
    return result


KID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,128}")


def _parse_header(raw: bytes) -> dict[str, Any]:
    try:
        header = json.loads(raw.decode("utf-8"), object_pairs_hook=_reject_duplicates)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise MalformedJWS("the header is not UTF-8 JSON") from exc
    if not isinstance(header, dict):
        raise MalformedJWS("the header is not a JSON object")
    _check_header_members(header)
    return header


def _check_header_members(header: dict[str, Any]) -> None:
    if "crit" in header:
        # No extension is understood, so every critical one must be refused (RFC 7515 §4.1.11).
        raise MalformedJWS("critical header extensions are not supported")
    for member in ("alg", "kid"):
        if not isinstance(header.get(member), str) or not header[member]:
            raise MalformedJWS(f"the header has no {member}")
    if not KID_PATTERN.fullmatch(header["kid"]):
        # Key ids are base64url thumbprints; anything else never reaches a key lookup.
        raise MalformedJWS("the header's kid is not a key id")
    if "typ" in header and not isinstance(header["typ"], str):
        raise MalformedJWS("the header's typ is not a string")


def verify_ed25519(parsed: ParsedJWS, public_key: Ed25519PublicKey | bytes) -> None:
    """Check the signature with an Ed25519 key; raises ``UnsupportedAlgorithm`` or ``BadSignature``."""
    if parsed.alg not in ACCEPTED_ED25519_ALGS:
        raise UnsupportedAlgorithm(f"alg {parsed.alg!r} is not accepted for an Ed25519 key")
    key = _ed25519_public_key(public_key)
    if len(parsed.signature) != ED25519_SIGNATURE_LENGTH:
        raise BadSignature("an Ed25519 signature is 64 bytes")
    try:
        key.verify(parsed.signature, parsed.signing_input)
    except InvalidSignature as exc:
        raise BadSignature("the signature does not verify") from exc


def _ed25519_public_key(public_key: Ed25519PublicKey | bytes) -> Ed25519PublicKey:
    if isinstance(public_key, Ed25519PublicKey):
        return public_key
    if isinstance(public_key, bytes) and len(public_key) == ED25519_KEY_LENGTH:
        return Ed25519PublicKey.from_public_bytes(public_key)
    raise UnsupportedAlgorithm("the key is not an Ed25519 public key")


def public_jwk(x: bytes, kid: str) -> dict[str, str]:
    """The published JWK of an Ed25519 public key (RFC 8037)."""
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(x), "kid": kid, "use": "sig", "alg": ALG_EDDSA}


def jwk_thumbprint(x: bytes) -> str:
    """RFC 7638 thumbprint (SHA-256, base64url) of an Ed25519 public key: certsvc's key id."""
    if len(x) != ED25519_KEY_LENGTH:
        raise ValueError("an Ed25519 public key is 32 bytes")
    members = {"crv": "Ed25519", "kty": "OKP", "x": b64url_encode(x)}
    return b64url_encode(hashlib.sha256(canonicalize(members)).digest())


def ed25519_x_from_jwk(jwk: dict[str, Any]) -> bytes:
    """The raw public key of an OKP/Ed25519 JWK (e.g. from the JWKS); refuses any other kind of key."""
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise UnsupportedAlgorithm(f"not an Ed25519 key: kty={jwk.get('kty')!r} crv={jwk.get('crv')!r}")
    if jwk.get("alg", ALG_EDDSA) not in ACCEPTED_ED25519_ALGS:
        raise UnsupportedAlgorithm(f"key is bound to alg {jwk.get('alg')!r}")
    try:
        x = b64url_decode(jwk.get("x", ""))
    except ValueError as exc:
        raise MalformedJWS("the key's x is not base64url") from exc
    if len(x) != ED25519_KEY_LENGTH:
        raise MalformedJWS("an Ed25519 public key is 32 bytes")
    return x
