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


class PublicKeys(dict[str, Ed25519PublicKey]):
    """The JWKS's keys by ``kid``, and whose each is (CONTRACT §3 v1.1).

    ``owners``: kid → the country of the body a body key belongs to, ``None`` for a registry key;
    a kid missing there comes from a JWKS of before owners (no ``issuer`` member) and is taken
    for anything, as such a service signed everything with one key set. ``registry_until``: kid →
    the cut-over time before which a body key (one from before owners) also signed for the registry.
    """

    def __init__(self) -> None:
        super().__init__()
        self.owners: dict[str, str | None] = {}
        self.registry_until: dict[str, datetime] = {}

    def certificate_key_refusal(self, kid: str, country: object) -> tuple[str, dict[str, object]] | None:
        """Why ``kid`` may not sign a certificate of ``country``'s body (message, params); else ``None``."""
        if kid not in self.owners or self.owners[kid] == country:
            return None
        owner = self.owners[kid]
        if owner is None:
            return "key %(kid)s is a registry key; it signs no certificate", {"kid": kid}
        names = {"kid": kid, "owner": owner, "country": country or "?"}
        return "key %(kid)s belongs to the issuing body of %(owner)s, not of %(country)s", names

    def require_registry_key(self, kid: str, signed_at: datetime | None, what: str) -> None:
        """``VerifierError`` unless ``what`` (a receipt, bundle, delta, checkpoint) is the registry's.

        A body key of before owners passes for what it signed before its ``registry_until``.
        """
        if kid not in self.owners or self.owners[kid] is None:
            return
        until = self.registry_until.get(kid)
        if until is not None and signed_at is not None and signed_at < until:
            return
        raise VerifierError(
            f"{what} is signed with key {kid} of the issuing body of {self.owners[kid]}, not a registry key"
        )


# kid → compromise time of each revoked key (None: not given). Everything a revoked key signed is refused.
Compromises = dict[str, datetime | None]


def load_keys(jwks: dict[str, Any]) -> PublicKeys:
    """The JWKS's Ed25519 keys by ``kid``, loaded once; other kinds of key are skipped."""
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise VerifierError('the JWKS is not {"keys": [...]}')
    keys = PublicKeys()
    for jwk in jwks["keys"]:
        try:
            key = Ed25519PublicKey.from_public_bytes(ed25519_x_from_jwk(jwk))
            owner = _owner(jwk)
        except (JWSError, KeyError, TypeError, AttributeError, ValueError):
            continue
        keys[jwk["kid"]] = key
        if owner is not None:
            keys.owners[jwk["kid"]], until = owner
            if until is not None:
                keys.registry_until[jwk["kid"]] = until
    return keys


def _owner(jwk: dict[str, Any]) -> tuple[str | None, datetime | None] | None:
    """(country or ``None`` for the registry, cut-over time) of a JWKS entry; ``None`` without ``issuer``."""
    if "issuer" not in jwk:
        return None
    issuer = jwk["issuer"]
    until = rfc3339_or_date_parse(jwk["registry_until"]) if jwk.get("registry_until") else None
    return (None if issuer is None else str(issuer["country"])), until


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
