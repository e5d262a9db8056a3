"""The published keys (JWKS) and, from the key list, which of them were compromised and since when."""

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
    "compromise_covers",
    "load_compromises",
    "load_keys",
]

PublicKeys = dict[str, Ed25519PublicKey]
# kid → compromise time of each revoked key; None: unknown, so everything it signed.
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
    """``kid`` → compromise time for each revoked key (``None``: unknown, so everything it signed)."""
    compromised: Compromises = {}
    for key in key_list:
        if not isinstance(key, dict):
            raise VerifierError("the key list is not a list of keys")
        if key.get("status") == "revoked" or key.get("compromised_at"):
            when = key.get("compromised_at")
            compromised[str(key.get("kid"))] = rfc3339_or_date_parse(when) if when else None
    return compromised


def compromise_covers(since: datetime | None, moment: datetime) -> bool:
    """Is what a compromised key signed at ``moment`` untrusted? Always when ``since`` is unknown."""
    return since is None or moment >= since


def check_key_not_revoked(
    compromised: Compromises | None, kid: str, issued_at: datetime, checks: Checks
) -> None:
    """``key_not_revoked``, only with a key list: was the key compromised when it signed?"""
    if compromised is None:
        return
    if kid not in compromised:
        checks.add("key_not_revoked", True, "key_revoked")
        return
    since = compromised[kid]
    revoked = compromise_covers(since, issued_at)
    detail = f"key compromised since {since.isoformat() if since else 'an unknown time'}" if revoked else None
    checks.add("key_not_revoked", not revoked, "key_revoked", detail)
