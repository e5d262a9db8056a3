"""The status bundle (``/api/v1/status/bundle``): revocations, replacements and key states when fetched.

A bundle file holds one full bundle and, after it, the deltas (``?since=``) applied to it, one
compact JWS a line (``certsvc-verify bundle-update`` keeps it so): each is verified, nothing
unsigned is trusted, and the merged state is that of the last one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, TypedDict

from signing.canonical import canonical_parse
from signing.jws import TYP_STATUS, JWSError, ParsedJWS, parse_compact, verify_ed25519
from signing.times import rfc3339_or_date_parse
from signing.verifier.errors import BundleError, StaleBundle, VerifierError
from signing.verifier.keys import Compromises, PublicKeys, load_compromises, refuse_revoked_signer
from signing.verifier.results import Checks

__all__ = [
    "MAX_VALIDITY",
    "BundleEntries",
    "BundleEntry",
    "LoadedBundle",
    "StatusBundle",
    "bundle_delta_applied",
    "check_status",
    "load_bundle",
    "read_bundle_chain",
]


class BundleEntry(TypedDict):
    number: str
    status: str
    since: str


BundleEntries = dict[str, BundleEntry]


class StatusBundle(NamedTuple):
    """What a verified bundle tells: the entries by number and the revoked keys."""

    entries: BundleEntries
    compromised: Compromises
    # The JWKS entries (with name) of the witnesses whose cosignatures count (CONTRACT §11).
    witnesses: tuple[dict[str, Any], ...] = ()


class LoadedBundle(NamedTuple):
    """A verified bundle, or a bundle and the deltas applied to it, as of the last one's ``issued_at``."""

    status: StatusBundle
    next_update: datetime
    next_update_text: str
    issued_at_text: str
    kids: frozenset[str]
    deltas: int


class _Signed(NamedTuple):
    body: dict[str, Any]
    kid: str
    next_update: datetime


MAX_VALIDITY = timedelta(hours=24)


def load_bundle(
    token: str,
    *,
    keys: PublicKeys,
    compromised: Compromises | None,
    now: datetime | None,
    allow_stale: bool,
) -> StatusBundle:
    """A bundle (and its deltas) signed with published keys that neither it nor the key list calls revoked.

    ``BundleError`` if it is not such a bundle or claims more than 24 hours of validity;
    ``StaleBundle`` when ``now`` is past its ``next_update``, unless ``allow_stale``.
    """
    bundle = read_bundle_chain(token, keys, compromised)
    now = now or datetime.now(UTC)
    if now > bundle.next_update and not allow_stale:
        raise StaleBundle(
            f"the status bundle expired at {bundle.next_update_text}; fetch a new one "
            "(or pass --allow-stale-bundle to use it anyway)"
        )
    return bundle.status


def read_bundle_chain(text: str, keys: PublicKeys, compromised: Compromises | None) -> LoadedBundle:
    """A full bundle, then any deltas (one compact JWS a line), each verified and applied in turn.

    Every JWS must be signed with a published key that no key state of the chain (nor the key
    list) calls revoked; each delta's ``since`` must be the ``issued_at`` reached before it.
    """
    tokens = text.split()
    if not tokens:
        raise BundleError("the status bundle file is empty")
    bundle = _first(_read_signed(tokens[0], keys, delta=False))
    for token in tokens[1:]:
        bundle = bundle_delta_applied(bundle, token, keys)
    # The key list and the chain's key states both count: either may know of the revocation.
    known = {**bundle.status.compromised, **(compromised or {})}
    for kid in sorted(bundle.kids):
        _refuse_revoked_signer(known, kid)
    return bundle


def bundle_delta_applied(bundle: LoadedBundle, token: str, keys: PublicKeys) -> LoadedBundle:
    """``bundle`` with the delta ``token``'s entries (``valid`` ones taken out) and key states.

    ``BundleError`` unless the delta verifies and its ``since`` is ``bundle``'s ``issued_at``.
    """
    delta = _read_signed(token, keys, delta=True)
    body = delta.body
    if rfc3339_or_date_parse(body["since"]) != rfc3339_or_date_parse(bundle.issued_at_text):
        raise BundleError(
            f"the status delta is since {body['since']}, not since {bundle.issued_at_text} "
            "(the issued_at of the bundle it would update)"
        )
    entries = dict(bundle.status.entries)
    for entry in body["entries"]:
        if entry["status"] == "valid":
            entries.pop(entry["number"], None)
        else:
            entries[entry["number"]] = entry
    status = StatusBundle(
        entries, {**bundle.status.compromised, **_key_states(body)}, bundle.status.witnesses
    )
    kids = bundle.kids | {delta.kid}
    return LoadedBundle(
        status, delta.next_update, body["next_update"], body["issued_at"], kids, bundle.deltas + 1
    )


def _read_signed(token: str, keys: PublicKeys, *, delta: bool) -> _Signed:
    what = "status delta" if delta else "status bundle"
    try:
        signed = _signed_bundle(token.strip(), keys)
        body = canonical_parse(signed.payload)
        next_update = _next_update(body)
        _check_shape(body, delta=delta)
        _require_registry(keys, signed.kid, body, what)
    except JWSError as exc:
        raise BundleError(f"the {what} does not verify: {exc}") from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BundleError(f"the {what} is not well formed: {exc}") from exc
    return _Signed(body, signed.kid, next_update)


def _check_shape(body: dict[str, Any], *, delta: bool) -> None:
    """A delta has a ``since`` and a full bundle none (a delta alone is not the whole list)."""
    if ("since" in body) is not delta:
        raise BundleError(
            "a status delta, not a full bundle" if not delta else "not a status delta: no since"
        )
    for entry in body["entries"]:
        if not all(isinstance(entry[field], str) for field in ("number", "status", "since")):
            raise TypeError(f"entry {entry!r} is not a number, status and since")
    _key_states(body)


def _first(signed: _Signed) -> LoadedBundle:
    body = signed.body
    entries: BundleEntries = {entry["number"]: entry for entry in body["entries"]}
    status = StatusBundle(entries, _key_states(body), _witnesses(body))
    kids = frozenset({signed.kid})
    return LoadedBundle(status, signed.next_update, body["next_update"], body["issued_at"], kids, 0)


def _witnesses(body: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    witnesses = body.get("witnesses") or []
    if not isinstance(witnesses, list) or not all(isinstance(jwk, dict) for jwk in witnesses):
        raise TypeError("witnesses is not a list of keys")
    return tuple(witnesses)


def _next_update(body: dict[str, Any]) -> datetime:
    """``next_update``, at most 24 hours after ``issued_at``: a thief cannot sign a bundle for years."""
    issued_at, next_update = (
        rfc3339_or_date_parse(body["issued_at"]),
        rfc3339_or_date_parse(body["next_update"]),
    )
    if next_update - issued_at > MAX_VALIDITY:
        raise BundleError(
            f"the status bundle claims to be valid from {body['issued_at']} to {body['next_update']}, "
            "more than 24 hours"
        )
    return next_update


def _key_states(body: dict[str, Any]) -> Compromises:
    """The revoked keys of the bundle's ``keys`` (CONTRACT §4 v1.1): a bundle without them is refused."""
    states = body["keys"]
    if not isinstance(states, list):
        raise TypeError("keys is not a list")
    return load_compromises(states)


def _signed_bundle(token: str, keys: PublicKeys) -> ParsedJWS:
    parsed = parse_compact(token)
    if parsed.typ != TYP_STATUS:
        raise BundleError(f"typ is {parsed.typ!r}, not {TYP_STATUS!r}")
    key = keys.get(parsed.kid)
    if key is None:
        raise BundleError(f"the bundle is signed with an unknown key {parsed.kid}")
    verify_ed25519(parsed, key)
    return parsed


def _require_registry(keys: PublicKeys, kid: str, body: dict[str, Any], what: str) -> None:
    """Only the registry signs bundles and deltas (CONTRACT §3 v1.1): never a body's key."""
    try:
        keys.require_registry_key(kid, rfc3339_or_date_parse(body["issued_at"]), f"the {what}")
    except VerifierError as exc:
        raise BundleError(str(exc)) from exc


def _refuse_revoked_signer(compromised: Compromises, kid: str) -> None:
    try:
        refuse_revoked_signer(compromised, kid, "the status bundle")
    except VerifierError as exc:
        raise BundleError(str(exc)) from exc


def check_status(entries: BundleEntries | None, number: str, moment: datetime, checks: Checks) -> None:
    """``status``, only with a bundle: ``revoked``/``superseded``/``exhausted`` from its ``since`` on."""
    if entries is None:
        return
    entry = entries.get(number)
    if entry is None or rfc3339_or_date_parse(entry["since"]) > moment:
        checks.add("status", True, "valid")
        return
    found = entry["status"]
    detail = _SINCE.get(found, "%(status)s since %(since)s")
    checks.add("status", False, found, detail, status=found, since=entry["since"])


_SINCE = {
    "revoked": "revoked since %(since)s",
    "superseded": "superseded since %(since)s",
    "exhausted": "exhausted since %(since)s",
}
