"""The checks of a verification (CONTRACT §4), each rule written once, in the order they run.

The answer's ``status`` is the failure of the first check that fails, so the precedence is:

    malformed → bad_signature (an ``alg`` other than EdDSA/Ed25519 is a bad
    signature: nothing certsvc signs uses it) → unknown_key → bad_signature →
    key_revoked → registry_mismatch / not_found → revoked / superseded →
    expired / not_yet_valid → valid

A check runs only when the check it rests on passed. Every path (by number, by document, the
fast path by number) runs ``CHECKS`` over a ``Case``; the fast path only hands in inputs it
already knows (the parsed JWS, the key, a verified signature, the log leaf hash).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from certificates.verification.entry import RegistryEntry
from certificates.verification.outcome import Check, Outcome
from certificates.verification.selectors import log_leaf_hash_get, registry_entry_get
from certificates.verification.statuses import (
    BAD_SIGNATURE,
    EXHAUSTED,
    EXPIRED,
    KEY_REVOKED,
    MALFORMED,
    NOT_FOUND,
    NOT_YET_VALID,
    REGISTRY_MISMATCH,
    REVOKED,
    SUPERSEDED,
    UNKNOWN_KEY,
    VALID,
)
from certificates.verification.times import day, rfc3339, rfc3339_parse
from signing.canonical import canonical_parse
from signing.jws import (
    ACCEPTED_ED25519_ALGS,
    TYP_CERTIFICATE,
    BadSignature,
    JWSError,
    ParsedJWS,
    parse_compact,
    verify_ed25519,
)
from signing.models import SigningKey
from signing.selectors import signing_key_get_for_verification
from signing.transparency.merkle import leaf_hash

T = TypeVar("T")


@dataclass
class Case:
    """One JWS to check: the one on record for a number, or one a caller presented."""

    token: str
    moment: datetime
    presented: bool
    asked: str | None = None
    entry: RegistryEntry | None = None
    parsed: ParsedJWS | None = None
    key: SigningKey | None = None
    verified_with: tuple[str, str] | None = None
    logged_hash: bytes | None = None
    log_read: bool = False
    signed_document: dict[str, Any] | None = None  # the payload parsed; handed in when known

    @property
    def document(self) -> dict[str, Any]:
        if self.signed_document is None:
            self.signed_document = json.loads(_parsed(self).payload)
        return self.signed_document

    @property
    def number(self) -> str | None:
        if not self.presented:
            return self.asked
        return self.document["number"] if self.parsed is not None else None


def well_formed(case: Case) -> Check:
    if case.parsed is None:
        try:
            case.parsed, case.signed_document = parse_certificate(case.token)
        except (JWSError, ValueError, KeyError, TypeError, RecursionError) as exc:
            reason = str(exc) or "not a certificate document"
            detail = _("not a certificate document: %(reason)s") % {"reason": reason}
            return Check("well_formed", False, detail, MALFORMED)
    return Check("well_formed", True, None, MALFORMED)


def parse_certificate(token: str) -> tuple[ParsedJWS, dict[str, Any]]:
    """The parsed JWS and its document, if it is a certificate document; else ``JWSError``, ``ValueError``…"""
    parsed = parse_compact(token)
    if parsed.typ != TYP_CERTIFICATE:
        raise ValueError(f"typ is {parsed.typ!r}, not {TYP_CERTIFICATE!r}")
    # Certsvc signs RFC 8785 bytes only: another spelling of a document is not what it signed.
    document = canonical_parse(parsed.payload)
    if not isinstance(document, dict) or not isinstance(document.get("number"), str):
        raise ValueError("the payload is not a certificate document")
    for member in ("issued_at", "valid_from", "valid_until"):
        if not isinstance(document.get(member), str):
            raise ValueError(f"the document has no {member}")
    rfc3339_parse(document["issued_at"])
    date.fromisoformat(document["valid_from"])
    date.fromisoformat(document["valid_until"])
    return parsed, document


def algorithm(case: Case) -> Check:
    alg = _parsed(case).alg
    ok = alg in ACCEPTED_ED25519_ALGS
    detail = None if ok else _("alg %(alg)s refused") % {"alg": repr(alg)}
    return Check("algorithm", ok, detail, BAD_SIGNATURE)


def key_known(case: Case) -> Check:
    kid = _parsed(case).kid
    if case.key is None or case.key.kid != kid:
        case.key = signing_key_get_for_verification(kid=kid)
    if case.key is None:
        return Check("key_known", False, _("no published key has kid %(kid)s") % {"kid": kid}, UNKNOWN_KEY)
    wrong_owner = _key_of_another_body(case.key, _issuer_country(case))
    return Check("key_known", wrong_owner is None, wrong_owner, UNKNOWN_KEY)


def _issuer_country(case: Case) -> str:
    issuer = case.document.get("issuer")
    return str(issuer.get("country", "")) if isinstance(issuer, dict) else ""


def _key_of_another_body(key: SigningKey, country: str) -> str | None:
    """Why the key may not sign this certificate (CONTRACT §3 v1.1); ``None`` when it may.

    A certificate verifies only with a key of the body of its ``issuer.country``: matched on the
    country, never on the body's name.
    """
    if key.issuer_country == country:
        return None
    if key.is_registry_key:
        return _("key %(kid)s is a registry key; it signs no certificate") % {"kid": key.kid}
    names = {"kid": key.kid, "owner": key.issuer_country, "country": country or "?"}
    return _("key %(kid)s belongs to the issuing body of %(owner)s, not of %(country)s") % names


def signature(case: Case) -> Check:
    key = _key(case)
    ok = case.verified_with == (key.kid, key.public_x) or _signature_verifies(_parsed(case), key)
    if ok:
        case.verified_with = (key.kid, key.public_x)
    return Check("signature", ok, None if ok else _("the signature does not verify"), BAD_SIGNATURE)


def _signature_verifies(parsed: ParsedJWS, key: SigningKey) -> bool:
    try:
        verify_ed25519(parsed, key.public_key_bytes)
    except BadSignature:
        return False
    return True


def key_not_revoked(case: Case) -> Check:
    key = _key(case)
    compromised = key.was_compromised_at(_signed_at(case))
    since = {"kid": key.kid, "since": _compromised_at(key)} if compromised else None
    detail = _("key %(kid)s compromised since %(since)s") % since if since else None
    return Check("key_not_revoked", not compromised, detail, KEY_REVOKED)


def _signed_at(case: Case) -> datetime:
    """The issue time the JWS claims (presented) or the registry holds (on record)."""
    if case.presented:
        return rfc3339_parse(case.document["issued_at"])
    return _entry(case).issued_at


def _compromised_at(key: SigningKey) -> str:
    return rfc3339(_present(key.compromised_at, "was_compromised_at said so"))


def registry(case: Case) -> Check:
    if case.presented and case.entry is None:
        case.entry = registry_entry_get(number=case.document["number"])
    if case.entry is None:
        return _not_in_registry(case)
    same = hashlib.sha256(case.token.encode("ascii")).hexdigest() == case.entry.jws_sha256
    return Check("registry", same, None if same else _("differs from the one on record"), REGISTRY_MISMATCH)


def _not_in_registry(case: Case) -> Check:
    if case.presented:
        detail = _("the registry has no certificate with this number")
        return Check("registry", False, detail, REGISTRY_MISMATCH)
    return Check("registry", False, _("no certificate has this number"), NOT_FOUND)


def transparency_log(case: Case) -> Check:
    entry = _entry(case)
    if not case.log_read:
        case.logged_hash, case.log_read = log_leaf_hash_get(index=entry.log_index), True
    logged = case.logged_hash is not None and case.logged_hash == leaf_hash(case.token.encode("ascii"))
    logged_at = _("log entry %(index)s") % {"index": entry.log_index}
    detail = logged_at if logged else _("no matching transparency log entry")
    return Check("transparency_log", logged, detail, REGISTRY_MISMATCH)


def status(case: Case) -> Check:
    found, detail = certificate_status_at(certificate=_entry(case), moment=case.moment)
    return Check("status", found == VALID, detail, found)


def validity(case: Case) -> Check:
    found, detail = certificate_validity_at(certificate=_entry(case), moment=case.moment)
    return Check("validity", found == VALID, detail, found)


def certificate_status_at(*, certificate: RegistryEntry, moment: datetime) -> tuple[str, str | None]:
    """``revoked``, ``superseded`` or ``exhausted`` if that had happened by ``moment``, else ``valid``."""
    revoked_at = certificate.revoked_at
    if certificate.is_revoked and revoked_at and revoked_at <= moment:
        revoked = {"date": day(revoked_at), "reason": certificate.revocation_reason}
        return REVOKED, _("revoked %(date)s: %(reason)s") % revoked
    superseded_at = certificate_superseded_at(certificate=certificate)
    if superseded_at is not None and superseded_at <= moment:
        superseded = {"date": day(superseded_at), "number": certificate.superseded_by_number}
        return SUPERSEDED, _("superseded %(date)s by %(number)s") % superseded
    exhausted_at = certificate.exhausted_at
    if exhausted_at is not None and exhausted_at <= moment:
        return EXHAUSTED, _("nothing remains on any item since %(date)s") % {"date": day(exhausted_at)}
    return VALID, None


def certificate_superseded_at(*, certificate: RegistryEntry) -> datetime | None:
    """When the replacement was issued (the moment the old certificate stopped being current)."""
    if not certificate.is_superseded or certificate.superseded_by_number is None:
        return None
    return certificate.superseded_by_issued_at


def certificate_validity_at(*, certificate: RegistryEntry, moment: datetime) -> tuple[str, str | None]:
    """``not_yet_valid`` before issue or ``valid_from``, ``expired`` after ``valid_until``, else ``valid``."""
    if moment < certificate.issued_at:
        return NOT_YET_VALID, _("not issued until %(time)s") % {"time": rfc3339(certificate.issued_at)}
    today = moment.astimezone(UTC).date()
    start, end = certificate.valid_from.isoformat(), certificate.valid_until.isoformat()
    if today < certificate.valid_from:
        return NOT_YET_VALID, _("valid from %(date)s") % {"date": start}
    if today > certificate.valid_until:
        return EXPIRED, _("expired after %(date)s") % {"date": end}
    return VALID, _("valid %(start)s to %(end)s") % {"start": start, "end": end}


def _parsed(case: Case) -> ParsedJWS:
    return _present(case.parsed, "well_formed passed before")


def _key(case: Case) -> SigningKey:
    return _present(case.key, "key_known passed before")


def _entry(case: Case) -> RegistryEntry:
    return _present(case.entry, "found by number, or by registry for a presented JWS")


def _present(value: T | None, why: str) -> T:
    """``value``, which the order of ``CHECKS`` guarantees is there (``why``)."""
    if value is None:
        raise LookupError(f"a check ran out of order: expected {why}")
    return value


@dataclass(frozen=True)
class Step:
    """A check and the one it rests on (for a presented JWS, ``after_presented`` when it differs)."""

    check: Callable[[Case], Check]
    after: str | None
    after_presented: str | None = None

    def may_run(self, case: Case, passed: set[str]) -> bool:
        needed = self.after_presented if case.presented and self.after_presented else self.after
        return needed is None or needed in passed


# A number asks about the record: its status is shown even when its JWS is not the logged one.
# A presented JWS that is not the one on record and logged tells nothing about a certificate.
CHECKS: tuple[Step, ...] = (
    Step(well_formed, after=None),
    Step(algorithm, after="well_formed"),
    Step(key_known, after="algorithm"),
    Step(signature, after="key_known"),
    Step(key_not_revoked, after="signature"),
    Step(registry, after="signature"),
    Step(transparency_log, after="registry"),
    Step(status, after="signature", after_presented="transparency_log"),
    Step(validity, after="signature", after_presented="transparency_log"),
)


# The checks of what never changes: a record that passes them is sound, its signed document the one on record.
SOUND = frozenset({"well_formed", "algorithm", "key_known", "signature", "registry", "transparency_log"})


def checks_run(case: Case) -> Outcome:
    """Run ``CHECKS`` in order over ``case``; a number with no certificate only fails ``registry``.

    A sound record's entry shows the signed document: a registry column altered alone is not shown.
    """
    outcome = Outcome()
    steps = CHECKS if case.presented or case.entry is not None else (Step(registry, after=None),)
    passed: set[str] = set()
    for step in steps:
        if step.may_run(case, passed):
            check = step.check(case)
            outcome.checks.append(check)
            if check.ok:
                passed.add(check.name)
    if case.entry is not None and case.signed_document is not None and SOUND <= passed:
        case.entry.document = case.signed_document
    outcome.number, outcome.certificate = case.number, case.entry
    return outcome
