"""Signed answers: receipts and status bundles are JWS like every other one certsvc signs."""

from __future__ import annotations

import json
from typing import Any

from certsvc.problems import ServiceUnavailable
from signing.canonical import canonicalize
from signing.errors import KeyUnavailable, NoActiveKey
from signing.jws import TYP_RECEIPT
from signing.models import SigningKey
from signing.services import jws_sign


def verification_receipt_sign(*, body: dict[str, Any], key: SigningKey | None = None) -> str:
    """A JWS over the RFC 8785 bytes of ``body``; no active key means 503, never an unsigned answer.

    ``key``: the active key when the caller has already read it (the fast path reads it in the
    same query as the certificate).
    """
    return jws_sign_or_unavailable(payload=answer_canonical(body), typ=TYP_RECEIPT, key=key)


def jws_sign_or_unavailable(*, payload: bytes, typ: str, key: SigningKey | None = None) -> str:
    try:
        return jws_sign(payload=payload, typ=typ, key=key).compact
    except (NoActiveKey, KeyUnavailable) as exc:
        raise _unsignable() from exc


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
