"""Signed answers: receipts and status bundles are JWS like every other one certsvc signs."""

from __future__ import annotations

import json
from typing import Any

from certsvc.problems import ServiceUnavailable
from signing.backends import get_backend
from signing.canonical import canonicalize
from signing.errors import KeyUnavailable, NoActiveKey
from signing.jws import TYP_RECEIPT, ed25519_header, parse_compact, sign_compact, verify_ed25519
from signing.models import SigningKey
from signing.services import jws_sign


def verification_receipt_sign(*, body: dict[str, Any], key: SigningKey | None = None) -> str:
    """A JWS over the RFC 8785 bytes of ``body``; no active key means 503, never an unsigned answer.

    ``key``: the active key when the caller has already read it (the fast path reads it in the
    same query as the certificate).
    """
    payload = answer_canonical(body)
    if key is None:
        return jws_sign_or_unavailable(payload=payload, typ=TYP_RECEIPT)
    return _sign_with_active(key, payload)


def jws_sign_or_unavailable(*, payload: bytes, typ: str) -> str:
    try:
        return jws_sign(payload=payload, typ=typ).compact
    except (NoActiveKey, KeyUnavailable) as exc:
        raise _unsignable() from exc


def _sign_with_active(key: SigningKey, payload: bytes) -> str:
    """``jws_sign`` with a key already read: same header, same check of every signature.

    To be replaced by ``jws_sign(payload=…, typ=…, key=key)`` once signing accepts a key read
    by its caller (``jws_sign`` reads the active key itself: one more query per verification).
    """
    backend = get_backend(key.backend)
    try:
        compact = sign_compact(
            payload=payload,
            header=ed25519_header(kid=key.kid, typ=TYP_RECEIPT),
            signer=lambda data: backend.sign(key.key_ref, data),
        )
    except KeyUnavailable as exc:
        raise _unsignable() from exc
    verify_ed25519(parse_compact(compact), key.public_key_bytes)
    return compact


def _unsignable() -> ServiceUnavailable:
    return ServiceUnavailable("signing_unavailable", "No signing key can sign the answer now.")


def answer_canonical(body: dict[str, Any]) -> bytes:
    """The RFC 8785 bytes of an answer, computed with ``json.dumps`` (5x faster than ``rfc8785``).

    Answers hold only strings, booleans, ``null``, small integers and ASCII member names: for those,
    sorted keys, no spaces and unescaped UTF-8 are exactly RFC 8785 (both escape ``"``, ``\\`` and
    control characters alike, with lower-case hex). Anything else takes ``canonicalize``.
    """
    try:
        if _plain(body):
            return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        pass  # a lone surrogate: canonicalize says why it has no canonical form
    return canonicalize(body)


def _plain(value: Any) -> bool:
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return bool(-(2**53) < value < 2**53)
    if kind is dict:
        return all(type(k) is str and k.isascii() and _plain(v) for k, v in value.items())
    if kind is list:
        return all(_plain(item) for item in value)
    return False
