"""The status bundle (``/api/v1/status/bundle``): revocations, replacements and key states when fetched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, TypedDict

from signing.canonical import canonical_parse
from signing.jws import TYP_STATUS, JWSError, ParsedJWS, parse_compact, verify_ed25519
from signing.times import rfc3339_or_date_parse
from signing.verifier.errors import BundleError, StaleBundle, VerifierError
from signing.verifier.keys import Compromises, PublicKeys, load_compromises, refuse_revoked_signer
from signing.verifier.results import Checks

__all__ = ["MAX_VALIDITY", "BundleEntries", "BundleEntry", "StatusBundle", "check_status", "load_bundle"]


class BundleEntry(TypedDict):
    number: str
    status: str
    since: str


BundleEntries = dict[str, BundleEntry]


class StatusBundle(NamedTuple):
    """What a verified bundle tells: the entries by number and the revoked keys."""

    entries: BundleEntries
    compromised: Compromises


class _Bundle(NamedTuple):
    status: StatusBundle
    next_update: datetime
    next_update_text: str


MAX_VALIDITY = timedelta(hours=24)


def load_bundle(
    token: str,
    *,
    keys: PublicKeys,
    compromised: Compromises | None,
    now: datetime | None,
    allow_stale: bool,
) -> StatusBundle:
    """A bundle signed with a published key that neither it nor the key list calls revoked.

    ``BundleError`` if it is not such a bundle or claims more than 24 hours of validity;
    ``StaleBundle`` when ``now`` is past its ``next_update``, unless ``allow_stale``.
    """
    bundle = _read_bundle(token, keys, compromised)
    now = now or datetime.now(UTC)
    if now > bundle.next_update and not allow_stale:
        raise StaleBundle(
            f"the status bundle expired at {bundle.next_update_text}; fetch a new one "
            "(or pass --allow-stale-bundle to use it anyway)"
        )
    return bundle.status


def _read_bundle(token: str, keys: PublicKeys, compromised: Compromises | None) -> _Bundle:
    try:
        signed = _signed_bundle(token.strip(), keys)
        body = canonical_parse(signed.payload)
        next_update = _next_update(body)
        status = StatusBundle({entry["number"]: entry for entry in body["entries"]}, _key_states(body))
    except JWSError as exc:
        raise BundleError(f"the status bundle does not verify: {exc}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise BundleError(f"the status bundle is not well formed: {exc}") from exc
    # The key list and the bundle's own key states both count: either may know of the revocation.
    _refuse_revoked_signer({**status.compromised, **(compromised or {})}, signed.kid)
    return _Bundle(status, next_update, body["next_update"])


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
