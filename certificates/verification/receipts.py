"""Signed answers: receipts and status bundles are JWS like every other one certsvc signs."""

from __future__ import annotations

from typing import Any

from certsvc.problems import ServiceUnavailable
from signing.canonical import canonicalize
from signing.errors import KeyUnavailable, NoActiveKey
from signing.jws import TYP_RECEIPT
from signing.models import SigningKey
from signing.services import jws_sign, jws_sign_repeated


def verification_receipt_sign(*, body: dict[str, Any], key: SigningKey | None = None) -> str:
    """A JWS over the RFC 8785 bytes of ``body``; no active key means 503, never an unsigned answer.

    ``key``: the active key when the caller has already read it (the fast path reads it in the
    same query as the certificate).
    """
    return jws_sign_or_unavailable(payload=answer_canonical(body), typ=TYP_RECEIPT, key=key)


def jws_sign_or_unavailable(*, payload: bytes, typ: str, key: SigningKey | None = None) -> str:
    try:
        if key is not None:
            return jws_sign_repeated(payload=payload, typ=typ, key=key)
        return jws_sign(payload=payload, typ=typ, key=key).compact
    except (NoActiveKey, KeyUnavailable) as exc:
        raise _unsignable() from exc


def _unsignable() -> ServiceUnavailable:
    return ServiceUnavailable("signing_unavailable", "No signing key can sign the answer now.")


# The RFC 8785 bytes of an answer (``canonicalize`` has the fast form for what answers hold).
answer_canonical = canonicalize
