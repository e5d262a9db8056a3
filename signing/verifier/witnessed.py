"""Witnessed checkpoints offline (CONTRACT §11): how many of the bundle's witnesses cosigned, and when.

``--min-witnesses N`` accepts a certificate only with an inclusion proof under a checkpoint that N
of the witnesses named by the signed status bundle cosigned. A certificate of a key later revoked
as compromised is accepted again only when N of those cosignatures were made before the compromise:
the witnesses' own clocks then show the certificate was in the log before the key was stolen.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from signing.jws import JWSError
from signing.transparency.cosigning import cosignature_verify, covers
from signing.verifier.keys import PublicKeys
from signing.verifier.log import Checkpoint, LogProof, check_logged, inclusion_proven
from signing.verifier.results import Checks

__all__ = ["check_witnessed", "cosigned_times", "with_cosigned", "witnessed_before"]


def cosigned_times(raw: dict[str, Any], witnesses: PublicKeys) -> tuple[datetime, ...]:
    """``cosigned_at`` of each distinct witness of ``witnesses`` whose cosignature of ``raw`` verifies."""
    times: dict[str, datetime] = {}
    for entry in raw.get("cosignatures") or []:
        kid = entry.get("kid") if isinstance(entry, dict) else None
        if not isinstance(kid, str) or kid not in witnesses or kid in times:
            continue
        try:
            cosigned = cosignature_verify(str(entry.get("signature")), witnesses[kid])
        except JWSError:
            continue
        if cosigned.kid == kid and covers(cosigned, raw):
            times[kid] = cosigned.cosigned_at
    return tuple(times.values())


def check_witnessed(token: str, log_proof: LogProof | None, minimum: int, checks: Checks) -> None:
    """``transparency_log`` with ``--min-witnesses``: in the log under a checkpoint ``minimum`` cosigned."""
    if log_proof is None:
        checks.add(
            "transparency_log", False, "registry_mismatch", "no inclusion proof under a witnessed checkpoint"
        )
        return
    count = len(log_proof.checkpoint.cosigned)
    if count < minimum:
        detail = "the checkpoint is cosigned by %(count)s of the %(needed)s witnesses needed"
        checks.add("transparency_log", False, "registry_mismatch", detail, count=count, needed=minimum)
        return
    check_logged(token, log_proof, checks)


def witnessed_before(token: str, log_proof: LogProof | None, minimum: int, moment: datetime) -> bool:
    """Is the JWS in the log under a checkpoint that ``minimum`` witnesses cosigned before ``moment``?"""
    if log_proof is None or minimum < 1:
        return False
    earlier = [cosigned_at for cosigned_at in log_proof.checkpoint.cosigned if cosigned_at < moment]
    return len(earlier) >= minimum and inclusion_proven(token, log_proof)


def with_cosigned(checkpoint: Checkpoint, raw: dict[str, Any], witnesses: PublicKeys) -> Checkpoint:
    return checkpoint._replace(cosigned=cosigned_times(raw, witnesses))
