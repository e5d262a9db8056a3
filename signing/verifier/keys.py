"""The published keys (JWKS) and which of them are revoked (from the status bundle or the key list)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from signing.jws import JWSError, ed25519_x_from_jwk
from signing.times import rfc3339_or_date_parse
from signing.verifier.errors import VerifierError
from signing.verifier.results import Checks

__all__ = [
    "Compromises",
    "PublicKeys",
    "check_key_not_revoked",
    "load_compromises",
    "load_keys",
    "refuse_revoked_signer",
]

PublicKeys = dict[str, Ed25519PublicKey]
# kid → compromise time of each revoked key (None: not given). Everything a revoked key signed is refused.
Compromises = dict[str, datetime | None]


def load_keys(jwks: dict[str, Any]) -> PublicKeys:
    """The JWKS's Ed25519 keys by ``kid``, loaded once; other kinds of key are skipped."""
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise VerifierError('the JWKS is not {"keys": [...]}')
    keys: PublicKeys = {}
    for jwk in jwks["keys"]:
        try:
            keys[jwk["kid"]] = Ed25519PublicKey.from_public_bytes(ed25519_x_from_jwk(jwk))
        except (JWSError, KeyError, TypeError, AttributeError):
            continue
    return keys


def load_compromises(key_list: Sequence[dict[str, Any]]) -> Compromises:
    """``kid`` → compromise time for each revoked key of a key list (``/api/v1/keys/`` or the bundle's)."""
    compromised: Compromises = {}
    for key in key_list:
        if not isinstance(key, dict):
            raise VerifierError("the key list is not a list of keys")
        if key.get("status") == "revoked" or key.get("compromised_at"):
            when = key.get("compromised_at")
            compromised[str(key.get("kid"))] = rfc3339_or_date_parse(when) if when else None
    return compromised


def refuse_revoked_signer(compromised: Compromises | None, kid: str, what: str) -> None:
    """``VerifierError`` when ``what`` (a bundle, checkpoint, receipt) is signed by a revoked key.

    Whatever time it claims: a thief of the key can claim any time (CONTRACT §4 v1.1).
    """
    if compromised is not None and kid in compromised:
        raise VerifierError(f"{what} is signed with key {kid}, revoked as compromised")


def check_key_not_revoked(
    compromised: Compromises | None, kid: str, checks: Checks, *, listed: bool = True
) -> None:
    """``key_not_revoked``, when revoked keys are known: a revoked key fails, whatever ``issued_at``.

    Fail closed: a certificate claims its own ``issued_at``, so a thief of the key can backdate it
    before the compromise. ``listed``: also list the check when it passes.
    """
    if compromised is None:
        return
    if kid not in compromised:
        if listed:
            checks.add("key_not_revoked", True, "key_revoked")
        return
    since = compromised[kid]
    if since is None:
        checks.add(
            "key_not_revoked",
            False,
            "key_revoked",
            "key %(kid)s revoked, compromised at an unknown time",
            kid=kid,
        )
        return
    detail = "key %(kid)s revoked, compromised since %(since)s"
    checks.add("key_not_revoked", False, "key_revoked", detail, kid=kid, since=since.isoformat())
