"""The transparency log offline: signed checkpoints, inclusion and consistency proofs (RFC 9162)."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any, NamedTuple

from signing.canonical import canonicalize
from signing.jws import TYP_CHECKPOINT, JWSError, parse_compact, verify_ed25519
from signing.times import rfc3339_or_date_parse
from signing.transparency import merkle
from signing.verifier.errors import VerifierError
from signing.verifier.keys import Compromises, PublicKeys, refuse_revoked_signer
from signing.verifier.results import Checks

__all__ = [
    "Checkpoint",
    "LogProof",
    "check_logged",
    "checkpoint_extends",
    "inclusion_proven",
    "verify_checkpoint",
]


class Checkpoint(NamedTuple):
    tree_size: int
    root_hash: bytes
    timestamp: str
    # cosigned_at of each counted witness's cosignature (``witnessed``), filled when witnesses are known.
    cosigned: tuple[datetime, ...] = ()


class LogProof(NamedTuple):
    """An inclusion proof (``/api/v1/log/inclusion``) and the verified checkpoint it is for."""

    inclusion: dict[str, Any]
    checkpoint: Checkpoint


def verify_checkpoint(
    keys: PublicKeys, checkpoint: dict[str, Any], compromised: Compromises | None = None
) -> Checkpoint:
    """A log checkpoint signed with a published key that is not revoked; ``VerifierError`` if not."""
    if not isinstance(checkpoint, dict) or not isinstance(checkpoint.get("signature"), str):
        raise VerifierError("the checkpoint has no signature")
    # Cosignatures are added after the signature is computed (CONTRACT §11): it covers neither.
    body = {key: value for key, value in checkpoint.items() if key not in ("signature", "cosignatures")}
    try:
        kid = _check_checkpoint_signature(keys, checkpoint["signature"], body)
        refuse_revoked_signer(compromised, kid, "the checkpoint")
        keys.require_registry_key(kid, rfc3339_or_date_parse(str(body["timestamp"])), "the checkpoint")
        return Checkpoint(int(body["tree_size"]), _hash_decode(body["root_hash"]), str(body["timestamp"]))
    except (JWSError, KeyError, TypeError, ValueError) as exc:
        raise VerifierError(f"the checkpoint does not verify: {exc}") from exc


def _check_checkpoint_signature(keys: PublicKeys, signature: str, body: dict[str, Any]) -> str:
    """The ``kid`` of a signature over exactly ``body``."""
    parsed = parse_compact(signature)
    key = keys.get(parsed.kid)
    if key is None:
        raise VerifierError(f"the checkpoint is signed with unknown key {parsed.kid!r}")
    if parsed.typ != TYP_CHECKPOINT:
        raise VerifierError(f"the checkpoint signature has typ {parsed.typ!r}")
    verify_ed25519(parsed, key)
    if parsed.payload != canonicalize(body):
        raise VerifierError("the checkpoint signature signs something else")
    return parsed.kid


def check_logged(token: str, log_proof: LogProof, checks: Checks) -> None:
    """``transparency_log``: the JWS bytes are a leaf of the signed tree (RFC 9162 §2.1.3.2)."""
    checkpoint = log_proof.checkpoint
    ok = inclusion_proven(token, log_proof)
    detail = None if ok else "not proven in the log of size %(size)s"
    checks.add("transparency_log", ok, "registry_mismatch", detail, size=checkpoint.tree_size)


def inclusion_proven(token: str, log_proof: LogProof) -> bool:
    """Is the JWS a leaf of the checkpoint's tree, by the proof's audit path?"""
    proof, checkpoint = log_proof.inclusion, log_proof.checkpoint
    try:
        leaf = merkle.leaf_hash(token.encode("ascii"))
        return (
            int(proof["tree_size"]) == checkpoint.tree_size
            and _hash_decode(proof["leaf_hash"]) == leaf
            and merkle.verify_inclusion(
                leaf_hash=leaf,
                leaf_index=int(proof["leaf_index"]),
                tree_size=checkpoint.tree_size,
                audit_path=[_hash_decode(node) for node in proof["audit_path"]],
                root_hash=checkpoint.root_hash,
            )
        )
    except (KeyError, TypeError, ValueError):
        return False


def checkpoint_extends(*, newer: Checkpoint, older: Checkpoint, proof: dict[str, Any]) -> bool:
    """Does ``proof`` (from ``/api/v1/log/consistency``) show that ``newer`` extends ``older``?"""
    if older.tree_size > newer.tree_size:
        raise VerifierError("the first checkpoint is newer than the second")
    sizes, nodes = _consistency_proof(proof)
    if sizes != (older.tree_size, newer.tree_size):
        return False
    if older.tree_size == newer.tree_size:
        return older.root_hash == newer.root_hash and not nodes
    return merkle.verify_consistency(
        first=older.tree_size,
        second=newer.tree_size,
        first_root=older.root_hash,
        second_root=newer.root_hash,
        proof=nodes,
    )


def _consistency_proof(proof: dict[str, Any]) -> tuple[tuple[int, int], list[bytes]]:
    """The sizes a consistency proof is for, and its hashes."""
    try:
        nodes = [_hash_decode(node) for node in proof["proof"]]
        return (int(proof["first"]), int(proof["second"])), nodes
    except (KeyError, TypeError, ValueError) as exc:
        raise VerifierError(f"the consistency proof is not one: {exc}") from exc


def _hash_decode(text: str) -> bytes:
    """Standard base64 with padding, as CONTRACT §5 writes hashes."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, TypeError) as exc:
        raise ValueError(f"not base64: {text!r}") from exc
