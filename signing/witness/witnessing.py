"""One round of witnessing: fetch, check against what was cosigned before, cosign, post, remember."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TextIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signing.jws import jwk_thumbprint
from signing.transparency.cosigning import cosignature_sign
from signing.verifier.errors import VerifierError
from signing.verifier.keys import load_keys
from signing.verifier.log import Checkpoint, checkpoint_extends, verify_checkpoint
from signing.witness.client import Service
from signing.witness.state import WitnessFailure, public_x

__all__ = ["Inconsistent", "witness_round"]

CHECKPOINT_MEMBERS = ("tree_size", "root_hash", "timestamp", "signature")


class Inconsistent(Exception):
    """The service showed a history that contradicts what this witness cosigned: exit 3, loudly."""


def witness_round(
    service: Service,
    key: Ed25519PrivateKey,
    state: dict[str, Any],
    *,
    jwks: dict[str, Any] | None,
    log: TextIO,
) -> dict[str, Any]:
    """The new state after cosigning the newest checkpoint; ``Inconsistent`` or ``WitnessFailure`` if not."""
    state = {**state, "jwks": jwks or state.get("jwks") or _first_jwks(service, log)}
    raw = service.get("/api/v1/log/checkpoint")
    newest = _verified(service, state, raw, pinned=jwks is not None, log=log)
    last = state.get("checkpoint")
    if last is not None:
        _check_extends(service, _verified(service, state, last, pinned=True, log=log), newest)
    if last is None or last["tree_size"] != newest.tree_size:
        _cosign_and_post(service, key, raw, log)
    return {**state, "checkpoint": {member: raw[member] for member in CHECKPOINT_MEMBERS}}


def _first_jwks(service: Service, log: TextIO) -> dict[str, Any]:
    """Trust on first use: the service's keys now, pinned in the state file from here on."""
    jwks = service.get("/.well-known/jwks.json")
    print("certsvc-witness: pinned the service's keys on first use", file=log)
    return {"keys": list(jwks.get("keys", []))}


def _verified(service: Service, state: dict[str, Any], raw: Any, *, pinned: bool, log: TextIO) -> Checkpoint:
    """The checkpoint, signed with a pinned key; a key added since (rotation) is learned unless ``pinned``."""
    try:
        return verify_checkpoint(load_keys(state["jwks"]), raw)
    except VerifierError as first:
        if pinned or "unknown key" not in str(first):
            raise Inconsistent(f"the checkpoint's signature does not verify: {first}") from first
    known = {jwk.get("kid") for jwk in state["jwks"]["keys"]}
    added = [
        jwk for jwk in service.get("/.well-known/jwks.json").get("keys", []) if jwk.get("kid") not in known
    ]
    state["jwks"] = {"keys": state["jwks"]["keys"] + added}
    print(f"certsvc-witness: learned {len(added)} new service key(s)", file=log)
    try:
        return verify_checkpoint(load_keys(state["jwks"]), raw)
    except VerifierError as exc:
        raise Inconsistent(f"the checkpoint's signature does not verify: {exc}") from exc


def _check_extends(service: Service, last: Checkpoint, newest: Checkpoint) -> None:
    if newest.tree_size < last.tree_size:
        raise Inconsistent(
            f"ROLLBACK: the service now shows tree size {newest.tree_size}, "
            f"smaller than the {last.tree_size} this witness cosigned"
        )
    if newest.tree_size == last.tree_size:
        if newest.root_hash != last.root_hash:
            raise Inconsistent(f"FORK: tree size {last.tree_size} now has another root hash")
        return
    proof = service.get("/api/v1/log/consistency", first=last.tree_size, second=newest.tree_size)
    try:
        consistent = checkpoint_extends(newer=newest, older=last, proof=proof)
    except VerifierError as exc:
        raise Inconsistent(f"the consistency proof is unusable: {exc}") from exc
    if not consistent:
        raise Inconsistent(
            f"FORK: the tree of size {newest.tree_size} does not extend the tree of size "
            f"{last.tree_size} this witness cosigned (the consistency proof fails)"
        )


def _cosign_and_post(service: Service, key: Ed25519PrivateKey, raw: dict[str, Any], log: TextIO) -> None:
    kid = jwk_thumbprint(public_x(key))
    signature = cosignature_sign(checkpoint=raw, kid=kid, cosigned_at=datetime.now(UTC), signer=key.sign)
    status, _answer = service.post("/api/v1/log/cosignatures/", {"signature": signature})
    if status not in (200, 201):
        raise WitnessFailure(f"the service answered {status} to the cosignature")
    print(f"certsvc-witness: cosigned tree size {raw['tree_size']}", file=log)
