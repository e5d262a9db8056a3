"""Cosignatures of checkpoints (CONTRACT §11), without Django: service, witnesses and verifiers share it.

A cosignature is a compact JWS, header
``{"alg":"EdDSA","kid":<witness kid>,"typ":"certsvc-cosignature+jws"}``, over the RFC 8785 bytes
of ``{"tree_size", "root_hash", "timestamp", "cosigned_at"}``: the first three as in the checkpoint,
``cosigned_at`` the witness's own clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from signing.canonical import canonical_parse, canonicalize
from signing.jws import (
    TYP_COSIGNATURE,
    MalformedJWS,
    ParsedJWS,
    ed25519_header,
    parse_compact,
    sign_compact,
    verify_ed25519,
)
from signing.times import rfc3339, rfc3339_parse

__all__ = [
    "CHECKPOINT_MEMBERS",
    "MAX_CLOCK_SKEW",
    "Cosigned",
    "cosignature_parse",
    "cosignature_sign",
    "cosignature_verify",
    "covers",
]

CHECKPOINT_MEMBERS = ("tree_size", "root_hash", "timestamp")
COSIGNATURE_MEMBERS = frozenset({*CHECKPOINT_MEMBERS, "cosigned_at"})
# A thief of the registry key cannot backdate a checkpoint further than this and have it cosigned.
MAX_CLOCK_SKEW = timedelta(minutes=10)


@dataclass(frozen=True)
class Cosigned:
    """What a cosignature says: the checkpoint members it covers and when the witness signed."""

    kid: str
    checkpoint: dict[str, Any]
    cosigned_at: datetime
    parsed: ParsedJWS


def cosignature_sign(
    *, checkpoint: dict[str, Any], kid: str, cosigned_at: datetime, signer: Callable[[bytes], bytes]
) -> str:
    """The compact JWS a witness posts for ``checkpoint`` (only its three signed members count)."""
    body = {member: checkpoint[member] for member in CHECKPOINT_MEMBERS}
    body["cosigned_at"] = rfc3339(cosigned_at)
    return sign_compact(
        payload=canonicalize(body), header=ed25519_header(kid=kid, typ=TYP_COSIGNATURE), signer=signer
    )


def cosignature_parse(token: str) -> Cosigned:
    """The cosignature's claims, its signature not yet checked; ``MalformedJWS`` when it is no cosignature."""
    parsed = parse_compact(token)
    if parsed.typ != TYP_COSIGNATURE:
        raise MalformedJWS(f"typ is {parsed.typ!r}, expected {TYP_COSIGNATURE!r}")
    try:
        body = canonical_parse(parsed.payload)
        if not isinstance(body, dict) or set(body) != COSIGNATURE_MEMBERS:
            raise ValueError("the payload is not {tree_size, root_hash, timestamp, cosigned_at}")
        cosigned_at = rfc3339_parse(body.pop("cosigned_at"))
    except (ValueError, TypeError) as exc:
        raise MalformedJWS(f"not a cosignature: {exc}") from exc
    return Cosigned(kid=parsed.kid, checkpoint=body, cosigned_at=cosigned_at, parsed=parsed)


def cosignature_verify(token: str, public_key: bytes | Any) -> Cosigned:
    """A cosignature whose Ed25519 signature verifies with ``public_key``; ``JWSError`` otherwise."""
    cosigned = cosignature_parse(token)
    verify_ed25519(cosigned.parsed, public_key)
    return cosigned


def covers(cosigned: Cosigned, checkpoint: dict[str, Any]) -> bool:
    """Does the cosignature name exactly this checkpoint's size, root and timestamp?"""
    try:
        return all(cosigned.checkpoint[member] == checkpoint[member] for member in CHECKPOINT_MEMBERS)
    except (KeyError, TypeError):
        return False
