"""The status bundle (``/api/v1/status/bundle``): revocations and replacements known when it was fetched."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import NamedTuple, TypedDict

from signing.jws import TYP_STATUS, JWSError, ParsedJWS, parse_compact, verify_ed25519
from signing.times import rfc3339_or_date_parse
from signing.verifier.errors import BundleError, StaleBundle
from signing.verifier.keys import Compromises, PublicKeys, compromise_covers
from signing.verifier.results import Checks

__all__ = ["BundleEntries", "BundleEntry", "check_status", "load_bundle"]


class BundleEntry(TypedDict):
    number: str
    status: str
    since: str


BundleEntries = dict[str, BundleEntry]


class _Bundle(NamedTuple):
    entries: BundleEntries
    next_update: datetime
    next_update_text: str


def load_bundle(
    token: str,
    *,
    keys: PublicKeys,
    compromised: Compromises | None,
    now: datetime | None,
    allow_stale: bool,
) -> BundleEntries:
    """The entries by number of a bundle signed with a published key that was not compromised by then.

    ``BundleError`` if it is not such a bundle; ``StaleBundle`` when ``now`` is past its
    ``next_update``, unless ``allow_stale``.
    """
    bundle = _read_bundle(token, keys, compromised)
    now = now or datetime.now(UTC)
    if now > bundle.next_update and not allow_stale:
        raise StaleBundle(
            f"the status bundle expired at {bundle.next_update_text}; fetch a new one "
            "(or pass --allow-stale-bundle to use it anyway)"
        )
    return bundle.entries


def _read_bundle(token: str, keys: PublicKeys, compromised: Compromises | None) -> _Bundle:
    try:
        signed = _signed_bundle(token.strip(), keys)
        body = json.loads(signed.payload)
        next_update = rfc3339_or_date_parse(body["next_update"])
        _refuse_compromised_signer(compromised, signed.kid, rfc3339_or_date_parse(body["issued_at"]))
        entries = {entry["number"]: entry for entry in body["entries"]}
    except JWSError as exc:
        raise BundleError(f"the status bundle does not verify: {exc}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise BundleError(f"the status bundle is not well formed: {exc}") from exc
    return _Bundle(entries, next_update, body["next_update"])


def _signed_bundle(token: str, keys: PublicKeys) -> ParsedJWS:
    parsed = parse_compact(token)
    if parsed.typ != TYP_STATUS:
        raise BundleError(f"typ is {parsed.typ!r}, not {TYP_STATUS!r}")
    key = keys.get(parsed.kid)
    if key is None:
        raise BundleError(f"the bundle is signed with an unknown key {parsed.kid}")
    verify_ed25519(parsed, key)
    return parsed


def _refuse_compromised_signer(compromised: Compromises | None, kid: str, issued_at: datetime) -> None:
    if compromised is None or kid not in compromised:
        return
    if compromise_covers(compromised[kid], issued_at):
        raise BundleError(f"the status bundle is signed with key {kid}, compromised since then")


def check_status(entries: BundleEntries | None, number: str, moment: datetime, checks: Checks) -> None:
    """``status``, only with a bundle: ``revoked``/``superseded`` from its ``since`` on."""
    if entries is None:
        return
    entry = entries.get(number)
    if entry is None or rfc3339_or_date_parse(entry["since"]) > moment:
        checks.add("status", True, "valid")
        return
    checks.add("status", False, entry["status"], f"{entry['status']} since {entry['since']}")
