"""Verification of certificates (CONTRACT §4): the checks, the status at a moment, receipts, the bundle.

A verification runs named checks in a fixed order; the answer's ``status`` is the
failure of the first check that fails, so the precedence is:

    malformed → bad_signature (an ``alg`` other than EdDSA/Ed25519 is a bad
    signature: nothing certsvc signs uses it) → unknown_key → bad_signature →
    key_revoked → registry_mismatch / not_found → revoked / superseded →
    expired / not_yet_valid → valid

A certificate not yet issued at the moment asked about (``at``) is ``not_yet_valid``.
Every registry read may raise ``django.db.DatabaseError``; callers turn that into
503 (fail closed), never into an answer.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from redis.exceptions import RedisError

from certificates.accounts.models import User
from certificates.issuance.models import Certificate
from certificates.issuance.numbering import NUMBER_PATTERN
from certificates.verification.models import Verification
from certsvc.problems import ServiceUnavailable
from signing.backends import get_backend
from signing.canonical import canonicalize
from signing.errors import KeyUnavailable, NoActiveKey
from signing.jws import (
    ACCEPTED_ED25519_ALGS,
    TYP_CERTIFICATE,
    TYP_RECEIPT,
    TYP_STATUS,
    BadSignature,
    JWSError,
    ParsedJWS,
    b64url_decode,
    b64url_encode,
    ed25519_header,
    parse_compact,
    verify_ed25519,
)
from signing.models import SigningKey
from signing.selectors import signing_key_get_for_verification
from signing.services import jws_sign
from signing.transparency.merkle import leaf_hash
from signing.transparency.models import LogLeaf

VALID = "valid"
REVOKED = "revoked"
SUPERSEDED = "superseded"
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"
NOT_FOUND = "not_found"
BAD_SIGNATURE = "bad_signature"
UNKNOWN_KEY = "unknown_key"
KEY_REVOKED = "key_revoked"
REGISTRY_MISMATCH = "registry_mismatch"
MALFORMED = "malformed"
STATUSES = (
    VALID,
    REVOKED,
    SUPERSEDED,
    EXPIRED,
    NOT_YET_VALID,
    NOT_FOUND,
    BAD_SIGNATURE,
    UNKNOWN_KEY,
    KEY_REVOKED,
    REGISTRY_MISMATCH,
    MALFORMED,
)
MAX_DOCUMENT_BYTES = 64 * 1024
BUNDLE_CACHE_KEY = "certsvc:verification:status-bundle"
FULL_DOCUMENT_ROLES = frozenset({User.Role.CUSTOMS, User.Role.OFFICER})

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str | None = None
    fails_as: str = VALID

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"name": self.name, "ok": self.ok}
        if self.detail:
            body["detail"] = self.detail
        return body


@dataclass
class Outcome:
    """What a verification found: the checks in order, the number, and the record it matched."""

    checks: list[Check] = field(default_factory=list)
    number: str | None = None
    certificate: Certificate | None = None

    @property
    def status(self) -> str:
        return next((check.fails_as for check in self.checks if not check.ok), VALID)

    def add(self, name: str, ok: bool, fails_as: str, detail: str | None = None) -> bool:
        self.checks.append(Check(name=name, ok=ok, detail=detail, fails_as=fails_as))
        return ok


# --- reads -------------------------------------------------------------------------------


def certificate_get_for_verification(*, number: str) -> Certificate | None:
    """The certificate with what a verification shows of it, in one query."""
    return (
        Certificate.objects.select_related("superseded_by", "application__exporter")
        .filter(number=number)
        .first()
    )


# --- the checks --------------------------------------------------------------------------


def verification_by_number(*, number: str, moment: datetime) -> Outcome:
    """Check the JWS on record for ``number`` as a presented one would be, then its status at ``moment``."""
    outcome = Outcome(number=number)
    certificate = certificate_get_for_verification(number=number)
    if certificate is None:
        outcome.add("registry", False, NOT_FOUND, "no certificate has this number")
        return outcome
    outcome.certificate = certificate
    parsed = _parse(outcome, certificate.jws)
    if parsed is None or not _signature_checks(outcome, parsed, issued_at=certificate.issued_at):
        return outcome
    _registry_checks(outcome, certificate, certificate.jws)
    _status_checks(outcome, certificate, moment)
    return outcome


def verification_by_document(*, token: str, moment: datetime) -> Outcome:
    """Check a presented JWS: form, algorithm, key, signature, then that it is the one on record."""
    outcome = Outcome()
    parsed = _parse(outcome, token)
    if parsed is None:
        return outcome
    document = json.loads(parsed.payload)
    outcome.number = document["number"]
    if not _signature_checks(outcome, parsed, issued_at=_rfc3339_parse(document["issued_at"])):
        return outcome
    certificate = certificate_get_for_verification(number=outcome.number)
    if certificate is None:
        outcome.add("registry", False, REGISTRY_MISMATCH, "the registry has no certificate with this number")
        return outcome
    outcome.certificate = certificate
    if _registry_checks(outcome, certificate, token):
        _status_checks(outcome, certificate, moment)
    return outcome


def _parse(outcome: Outcome, token: str) -> ParsedJWS | None:
    try:
        parsed = parse_compact(token)
        _require_certificate(parsed)
    except (JWSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        outcome.add("well_formed", False, MALFORMED, str(exc) or "not a certificate document")
        return None
    outcome.add("well_formed", True, MALFORMED)
    return parsed


def _require_certificate(parsed: ParsedJWS) -> None:
    if parsed.typ != TYP_CERTIFICATE:
        raise ValueError(f"typ is {parsed.typ!r}, not {TYP_CERTIFICATE!r}")
    document = json.loads(parsed.payload.decode("utf-8"))
    if not isinstance(document, dict) or not isinstance(document.get("number"), str):
        raise ValueError("the payload is not a certificate document")
    for member in ("issued_at", "valid_from", "valid_until"):
        if not isinstance(document.get(member), str):
            raise ValueError(f"the document has no {member}")
    _rfc3339_parse(document["issued_at"])
    date.fromisoformat(document["valid_from"])
    date.fromisoformat(document["valid_until"])


def _signature_checks(
    outcome: Outcome, parsed: ParsedJWS, *, issued_at: datetime, key: SigningKey | None = None
) -> bool:
    """``key``: the published key of ``parsed.kid`` when the caller has already read it."""
    alg_ok = parsed.alg in ACCEPTED_ED25519_ALGS
    if not outcome.add("algorithm", alg_ok, BAD_SIGNATURE, None if alg_ok else f"alg {parsed.alg!r} refused"):
        return False
    if key is None or key.kid != parsed.kid:
        key = signing_key_get_for_verification(kid=parsed.kid)
    if not outcome.add("key_known", key is not None, UNKNOWN_KEY, f"no published key has kid {parsed.kid}"):
        return False
    if not outcome.add(
        "signature", _signature_ok(parsed, key), BAD_SIGNATURE, "the signature does not verify"
    ):
        return False
    compromised = key.was_compromised_at(issued_at)
    detail = f"key {key.kid} compromised since {rfc3339(key.compromised_at)}" if compromised else None
    outcome.add("key_not_revoked", not compromised, KEY_REVOKED, detail)
    return True


def _signature_ok(parsed: ParsedJWS, key: SigningKey) -> bool:
    try:
        verify_ed25519(parsed, key.public_key_bytes)
    except BadSignature:
        return False
    return True


def _registry_checks(
    outcome: Outcome, certificate: Certificate, token: str, *, logged_hash: bytes | None = None
) -> bool:
    """``logged_hash``: the leaf hash at ``certificate.log_index`` when the caller has already read it."""
    digest = hashlib.sha256(token.encode("ascii")).hexdigest()
    same = digest == certificate.jws_sha256
    if not outcome.add(
        "registry", same, REGISTRY_MISMATCH, None if same else "differs from the one on record"
    ):
        return False
    if logged_hash is None and certificate.log_index is not None:
        leaf = LogLeaf.objects.filter(index=certificate.log_index).first()
        logged_hash = bytes(leaf.leaf_hash) if leaf is not None else None
    logged = logged_hash is not None and logged_hash == leaf_hash(token.encode("ascii"))
    detail = f"log entry {certificate.log_index}" if logged else "no matching transparency log entry"
    return outcome.add("transparency_log", logged, REGISTRY_MISMATCH, detail)


def _status_checks(outcome: Outcome, certificate: Certificate, moment: datetime) -> None:
    status, detail = certificate_status_at(certificate=certificate, moment=moment)
    outcome.add("status", status == VALID, status, detail)
    validity, detail = certificate_validity_at(certificate=certificate, moment=moment)
    outcome.add("validity", validity == VALID, validity, detail)


def certificate_status_at(*, certificate: Certificate, moment: datetime) -> tuple[str, str | None]:
    """``revoked``/``superseded`` if that had happened by ``moment``, else ``valid``; with a detail text."""
    revoked_at = certificate.revoked_at
    if certificate.status == Certificate.Status.REVOKED and revoked_at and revoked_at <= moment:
        return REVOKED, f"revoked {_day(revoked_at)}: {certificate.revocation_reason}"
    superseded_at = certificate_superseded_at(certificate=certificate)
    if superseded_at is not None and superseded_at <= moment:
        return SUPERSEDED, f"superseded {_day(superseded_at)} by {certificate.superseded_by.number}"
    return VALID, None


def certificate_superseded_at(*, certificate: Certificate) -> datetime | None:
    """When the replacement was issued (the moment the old certificate stopped being current)."""
    if certificate.status != Certificate.Status.SUPERSEDED or certificate.superseded_by is None:
        return None
    return certificate.superseded_by.issued_at


def certificate_validity_at(*, certificate: Certificate, moment: datetime) -> tuple[str, str | None]:
    """``not_yet_valid`` before issue or ``valid_from``, ``expired`` after ``valid_until``, else ``valid``."""
    if moment < certificate.issued_at:
        return NOT_YET_VALID, f"not issued until {rfc3339(certificate.issued_at)}"
    day = moment.astimezone(UTC).date()
    if day < certificate.valid_from:
        return NOT_YET_VALID, f"valid from {certificate.valid_from.isoformat()}"
    if day > certificate.valid_until:
        return EXPIRED, f"expired after {certificate.valid_until.isoformat()}"
    return VALID, f"valid {certificate.valid_from.isoformat()} to {certificate.valid_until.isoformat()}"


# --- the answer --------------------------------------------------------------------------


def certificate_summary(*, certificate: Certificate) -> dict[str, Any]:
    """What anyone may see of a certificate (anonymous callers, the public page)."""
    items = certificate.document.get("items", [])
    return {
        "number": certificate.number,
        "status": certificate.status,
        "type": certificate.type,
        "issued_at": rfc3339(certificate.issued_at),
        "valid_from": certificate.valid_from.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "exporter": {"name": certificate.document.get("exporter", {}).get("name", "")},
        "goods": {
            "count": len(items),
            "items": [
                {"hs_code": item.get("hs_code"), "description": item.get("description")} for item in items
            ],
        },
    }


def sees_full_document(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and (user.is_staff or getattr(user, "role", "") in FULL_DOCUMENT_ROLES)
    )


def verification_answer(
    *, outcome: Outcome, checked_at: datetime, at: datetime | None, user: Any
) -> dict[str, Any]:
    """The response body of CONTRACT §4 with its signed ``receipt`` (``ServiceUnavailable`` if unsignable)."""
    body: dict[str, Any] = {
        "valid": outcome.status == VALID,
        "status": outcome.status,
        "number": outcome.number,
        "checked_at": rfc3339(checked_at),
        "checks": [check.as_dict() for check in outcome.checks],
        "certificate": _certificate_view(outcome.certificate, user),
    }
    if at is not None:
        body["at"] = rfc3339(at)
    return {**body, "receipt": verification_receipt_sign(body=body)}


def _certificate_view(certificate: Certificate | None, user: Any) -> dict[str, Any] | None:
    if certificate is None:
        return None
    if sees_full_document(user):
        return certificate.document
    return certificate_summary(certificate=certificate)


def verification_receipt_sign(*, body: dict[str, Any]) -> str:
    """A JWS over the RFC 8785 bytes of ``body``; no active key means 503, never an unsigned answer."""
    return _sign_or_unavailable(answer_canonical(body), TYP_RECEIPT)


def answer_canonical(body: dict[str, Any]) -> bytes:
    """The RFC 8785 bytes of an answer, computed with ``json.dumps`` (5x faster than ``rfc8785``).

    Answers hold only strings, booleans, ``null``, small integers and ASCII member names: for those,
    sorted keys, no spaces and unescaped UTF-8 are exactly RFC 8785 (both escape ``"``, ``\\`` and
    control characters alike, with lower-case hex). Anything else takes ``canonicalize``.
    """
    try:
        if _plain(body):
            return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        pass  # a lone surrogate: canonicalize says why it has no canonical form
    return canonicalize(body)


def _built_answer_canonical(body: dict[str, Any]) -> bytes:
    """``answer_canonical`` for answers built here: strings, booleans, ``null`` and small counts only."""
    try:
        return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return canonicalize(body)


def _plain(value: Any) -> bool:
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return -(2**53) < value < 2**53
    if kind is dict:
        return all(type(k) is str and k.isascii() and _plain(v) for k, v in value.items())
    if kind is list:
        return all(_plain(item) for item in value)
    return False


def _sign_or_unavailable(payload: bytes, typ: str) -> str:
    try:
        return jws_sign(payload=payload, typ=typ).compact
    except (NoActiveKey, KeyUnavailable) as exc:
        raise ServiceUnavailable("signing_unavailable", "No signing key can sign the answer now.") from exc


def verification_record(
    *, user: Any, query: str, number: str | None, status: str, at: datetime | None
) -> Verification | None:
    """Keep a row for an authenticated caller's verification; anonymous ones are only throttled."""
    if user is None or not user.is_authenticated:
        return None
    return Verification.objects.create(
        user=user,
        organization_id=user.organization_id,
        query=query,
        number=(number or "")[:64],
        status=status,
        at=at,
    )


def verification_list_for(*, user: Any):
    """Staff see every verification; others only their organization's (none without one)."""
    rows = Verification.objects.select_related("user", "organization")
    if user.is_staff:
        return rows
    if user.organization_id is None:
        return rows.none()
    return rows.filter(organization_id=user.organization_id)


# --- the status bundle for offline verifiers ---------------------------------------------


def status_bundle_entries() -> list[dict[str, str]]:
    """Every revoked or superseded certificate, with the moment it stopped being valid."""
    rows = (
        Certificate.objects.filter(status__in=[Certificate.Status.REVOKED, Certificate.Status.SUPERSEDED])
        .select_related("superseded_by")
        .order_by("number")
    )
    entries = []
    for certificate in rows:
        since = certificate.revoked_at or certificate_superseded_at(certificate=certificate)
        entries.append({"number": certificate.number, "status": certificate.status, "since": rfc3339(since)})
    return entries


def status_bundle_signed(*, now: datetime | None = None) -> str:
    """The signed bundle, cached while no certificate changed status and the active key is the same.

    Statuses only ever leave ``issued``, so the count of the others changes with every revocation
    or supersession; keying on the active key means a revoked key's bundle is not served on.
    """
    changed = Certificate.objects.filter(~Q(status=Certificate.Status.ISSUED)).count()
    active = SigningKey.objects.filter(status=SigningKey.Status.ACTIVE).values_list("kid", flat=True).first()
    key = f"{BUNDLE_CACHE_KEY}:{changed}:{active}"
    token = _cache_get(key)
    if token is None:
        token = _status_bundle_sign(now or timezone.now())
        _cache_set(key, token, timeout=status_bundle_cache_seconds())
    return token


def _cache_get(key: str) -> Any:
    """The cache only saves work here: when it is down, the answer is computed (and not kept)."""
    try:
        return cache.get(key)
    except (RedisError, OSError):
        logger.warning("cache unavailable; computing without it", exc_info=True)
        return None


def _cache_set(key: str, value: Any, *, timeout: int) -> None:
    try:
        cache.set(key, value, timeout=timeout)
    except (RedisError, OSError):
        logger.warning("cache unavailable; result not kept", exc_info=True)


def _status_bundle_sign(now: datetime) -> str:
    issued_at = now.replace(microsecond=0)
    body = {
        "issued_at": rfc3339(issued_at),
        "next_update": rfc3339(issued_at + timedelta(seconds=status_bundle_ttl_seconds())),
        "entries": status_bundle_entries(),
    }
    return _sign_or_unavailable(canonicalize(body), TYP_STATUS)


def status_bundle_ttl_seconds() -> int:
    return int(getattr(settings, "STATUS_BUNDLE_TTL_SECONDS", 3600))


def status_bundle_cache_seconds() -> int:
    """How long one signed bundle is served; never longer than its own validity."""
    return min(int(getattr(settings, "STATUS_BUNDLE_CACHE_SECONDS", 60)), status_bundle_ttl_seconds())


# --- the fast path of verification by number ---------------------------------------------
#
# What never changes about a certificate on record (its JWS parses, its signature verifies with
# its key, it is the JWS whose SHA-256 is stored and it sits at its log index, the exporter and
# goods shown to anyone) is established once per process by the full path above and remembered
# under (jws_sha256, kid, public key, log_index). Every request still reads, in one query, the
# certificate's current status, dates and replacement, its key's compromise time and the active
# key, so a revocation (of the certificate or of a key) is visible at once. Anything unusual
# (not found aside) goes through the full path.

ON_RECORD_CACHE_SIZE = 200_000
ON_RECORD_CACHE_PREFIX = "certsvc:verification:on-record"
ON_RECORD_CACHE_SECONDS = 30 * 86400
_on_record: dict[tuple, dict[str, Any]] = {}
_on_record_lock = threading.Lock()
_checked_signers: set[tuple[str, str]] = set()
_receipt_headers: dict[str, str] = {}
_SAFE_CHECKS = ("well_formed", "algorithm", "key_known", "signature", "registry", "transparency_log")


@dataclass(frozen=True)
class _Row:
    certificate_id: int | None
    status: str
    type: str
    issued_at: datetime | None
    valid_from: date | None
    valid_until: date | None
    revoked_at: datetime | None
    revocation_reason: str
    jws_sha256: str
    kid: str
    log_index: int | None
    superseded_by_number: str | None
    superseded_by_issued_at: datetime | None
    key_public_x: str | None
    key_compromised_at: datetime | None
    active: tuple[str, str, str, str] | None


def _row_sql() -> str:
    certificate = Certificate._meta.db_table
    key = SigningKey._meta.db_table
    # Table names come from the models; every value is a bound parameter.
    return (
        "SELECT c.id, c.status, c.type, c.issued_at, c.valid_from, c.valid_until, c.revoked_at, "  # noqa: S608  # nosec B608 - model tables, bound values
        "c.revocation_reason, c.jws_sha256, c.kid, c.log_index, s.number, s.issued_at, "
        "k.public_x, k.compromised_at, a.kid, a.backend, a.key_ref, a.public_x "
        "FROM (SELECT 1 AS one) q "
        f"LEFT JOIN {certificate} c ON c.number = %s "
        f"LEFT JOIN {certificate} s ON s.id = c.superseded_by_id "
        f"LEFT JOIN {key} k ON k.kid = c.kid AND k.activated_at IS NOT NULL "
        f"LEFT JOIN {key} a ON a.status = %s"
    )


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    # SQLite hands back naive UTC (or text); PostgreSQL aware datetimes.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _date(value: Any) -> date | None:
    return value if value is None or isinstance(value, date) else date.fromisoformat(str(value))


def _row_read(number: str) -> _Row:
    """The certificate's changing parts, its key's compromise time and the active key: one query."""
    from django.db import connection

    if not re.fullmatch(NUMBER_PATTERN, number):
        number = ""  # no certificate can have it; the query still reads the active key
    with connection.cursor() as cursor:
        cursor.execute(_row_sql(), [number, SigningKey.Status.ACTIVE])
        r = cursor.fetchone()
    return _Row(
        certificate_id=r[0],
        status=r[1],
        type=r[2],
        issued_at=_moment(r[3]),
        valid_from=_date(r[4]),
        valid_until=_date(r[5]),
        revoked_at=_moment(r[6]),
        revocation_reason=r[7],
        jws_sha256=r[8],
        kid=r[9],
        log_index=r[10],
        superseded_by_number=r[11],
        superseded_by_issued_at=_moment(r[12]),
        key_public_x=r[13],
        key_compromised_at=_moment(r[14]),
        active=(r[15], r[16], r[17], r[18]) if r[15] is not None else None,
    )


def verification_answer_by_number(
    *, number: str, checked_at: datetime, user: Any
) -> tuple[dict[str, Any], str]:
    """The answer to ``{"number": …}`` asked now by a caller who sees the summary, and its status.

    Same answer as ``verification_answer(outcome=verification_by_number(…))``, in one query once
    the certificate's unchanging checks are known to this process.
    """
    row = _row_read(number)
    if row.active is None:
        raise ServiceUnavailable("signing_unavailable", "No signing key can sign the answer now.")
    if row.certificate_id is None:
        outcome = Outcome(number=number)
        outcome.add("registry", False, NOT_FOUND, "no certificate has this number")
        return _answer(outcome, None, checked_at, row.active), outcome.status
    record_key = (row.jws_sha256, row.kid, row.key_public_x, row.log_index)
    known = _on_record.get(record_key) or _on_record_shared_get(record_key) or _learn(row, number)
    if known is None:
        outcome = verification_by_number(number=number, moment=checked_at)
        view = _certificate_view(outcome.certificate, user)
        return _answer(outcome, view, checked_at, None), outcome.status
    certificate = _certificate_of(row, number)
    outcome = Outcome(number=number, certificate=certificate)
    outcome.checks.extend(known["signature_checks"])
    compromised = row.key_compromised_at is not None and certificate.issued_at >= row.key_compromised_at
    detail = f"key {row.kid} compromised since {rfc3339(row.key_compromised_at)}" if compromised else None
    outcome.add("key_not_revoked", not compromised, KEY_REVOKED, detail)
    outcome.checks.extend(known["registry_checks"])
    _status_checks(outcome, certificate, checked_at)
    summary = {**_summary_head(certificate), **known["summary_tail"]}
    return _answer(outcome, summary, checked_at, row.active), outcome.status


def verification_on_record_prepare(*, number: str) -> bool:
    """Run the unchanging checks of certificate ``number`` now and share them with every process.

    Meant for right after issuance (``transaction.on_commit``), so that the first verification of
    a certificate is as cheap as the next ones. False if the certificate is unknown or unsound.
    """
    row = _row_read(number)
    return row.certificate_id is not None and _learn(row, number) is not None


def _learn(row: _Row, number: str) -> dict[str, Any] | None:
    """Run the unchanging checks once (the same functions as the full path) with one more query.

    ``None`` unless every one of them passes: failures are answered by the full path.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_record_sql(), [row.certificate_id])
        jws, document, logged_hash = cursor.fetchone()
    certificate = _certificate_of(row, number)
    certificate.jws, certificate.jws_sha256, certificate.log_index = jws, row.jws_sha256, row.log_index
    certificate.document = json.loads(document) if isinstance(document, str | bytes) else document
    key = SigningKey(kid=row.kid, public_x=row.key_public_x or "", compromised_at=row.key_compromised_at)
    outcome = Outcome(number=number, certificate=certificate)
    parsed = _parse(outcome, jws)
    if parsed is None or parsed.kid != row.kid or row.key_public_x is None:
        return None
    if not _signature_checks(outcome, parsed, issued_at=certificate.issued_at, key=key):
        return None
    logged = bytes(logged_hash) if logged_hash is not None else None
    if not _registry_checks(outcome, certificate, jws, logged_hash=logged):
        return None
    by_name = {check.name: check for check in outcome.checks}
    if not all(name in by_name and by_name[name].ok for name in _SAFE_CHECKS):
        return None
    summary = certificate_summary(certificate=certificate)
    known = {
        "signature_checks": [by_name[n] for n in ("well_formed", "algorithm", "key_known", "signature")],
        "registry_checks": [by_name["registry"], by_name["transparency_log"]],
        "summary_tail": {"exporter": summary["exporter"], "goods": summary["goods"]},
    }
    record_key = (row.jws_sha256, row.kid, row.key_public_x, row.log_index)
    _remember(record_key, known)
    _on_record_shared_set(record_key, known)
    return known


def _record_sql() -> str:
    certificate = Certificate._meta.db_table
    leaf = LogLeaf._meta.db_table
    return (
        f"SELECT c.jws, c.document, l.leaf_hash FROM {certificate} c "  # noqa: S608  # nosec B608 - model tables
        f'LEFT JOIN {leaf} l ON l."index" = c.log_index WHERE c.id = %s'
    )


def _remember(record_key: tuple, known: dict[str, Any]) -> None:
    with _on_record_lock:
        if len(_on_record) >= ON_RECORD_CACHE_SIZE:
            _on_record.clear()
        _on_record[record_key] = known


def _shared_key(record_key: tuple) -> str:
    digest = hashlib.sha256(repr(record_key).encode()).hexdigest()
    return f"{ON_RECORD_CACHE_PREFIX}:{digest}"


def _shared_mac(text: str) -> str:
    # The cache is not trusted with what the answer shows: entries are authenticated with a key
    # derived from SECRET_KEY, so a forged or altered entry is ignored (and the checks run again).
    key = hashlib.sha256(b"certsvc verification on-record|" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _on_record_shared_get(record_key: tuple) -> dict[str, Any] | None:
    """What another process learnt about this JWS on record, if the entry is authentic."""
    stored = _cache_get(_shared_key(record_key))
    if not isinstance(stored, dict) or not isinstance(stored.get("text"), str):
        return None
    if not hmac.compare_digest(str(stored.get("mac", "")), _shared_mac(stored["text"])):
        return None
    body = json.loads(stored["text"])
    if body.get("record") != list(record_key):
        return None
    known = {
        "signature_checks": [Check(**check) for check in body["signature_checks"]],
        "registry_checks": [Check(**check) for check in body["registry_checks"]],
        "summary_tail": body["summary_tail"],
    }
    _remember(record_key, known)
    return known


def _on_record_shared_set(record_key: tuple, known: dict[str, Any]) -> None:
    text = json.dumps(
        {
            "record": list(record_key),
            "signature_checks": [vars(check) for check in known["signature_checks"]],
            "registry_checks": [vars(check) for check in known["registry_checks"]],
            "summary_tail": known["summary_tail"],
        }
    )
    _cache_set(
        _shared_key(record_key), {"text": text, "mac": _shared_mac(text)}, timeout=ON_RECORD_CACHE_SECONDS
    )


def _certificate_of(row: _Row, number: str) -> Any:
    """The certificate's fields that the checks and the summary read (a model instance costs more)."""
    superseded_by = None
    if row.superseded_by_number is not None:
        superseded_by = SimpleNamespace(
            number=row.superseded_by_number, issued_at=row.superseded_by_issued_at
        )
    return SimpleNamespace(
        id=row.certificate_id,
        number=number,
        status=row.status,
        type=row.type,
        issued_at=row.issued_at,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        revoked_at=row.revoked_at,
        revocation_reason=row.revocation_reason,
        superseded_by=superseded_by,
    )


def _summary_head(certificate: Certificate) -> dict[str, Any]:
    return {
        "number": certificate.number,
        "status": certificate.status,
        "type": certificate.type,
        "issued_at": rfc3339(certificate.issued_at),
        "valid_from": certificate.valid_from.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
    }


def certificate_summary_of(certificate: Certificate | None, user: Any) -> dict[str, Any] | None:
    return _certificate_view(certificate, user)


def _answer(
    outcome: Outcome, view: dict[str, Any] | None, checked_at: datetime, active: tuple | None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "valid": outcome.status == VALID,
        "status": outcome.status,
        "number": outcome.number,
        "checked_at": rfc3339(checked_at),
        "checks": [check.as_dict() for check in outcome.checks],
        "certificate": view,
    }
    payload = _built_answer_canonical(body)
    receipt = _receipt_sign_with(active, payload) if active else _sign_or_unavailable(payload, TYP_RECEIPT)
    return {**body, "receipt": receipt}


def _receipt_sign_with(active: tuple[str, str, str, str], payload: bytes) -> str:
    """Sign with the active key read in this request's query, through its backend.

    The first signature of each key in a process is verified against its published half (as
    ``jws_sign`` does for every one), which proves the backend signs with that key.
    """
    kid, backend, key_ref, public_x = active
    header = _receipt_headers.get(kid)
    if header is None:
        header = _receipt_headers[kid] = b64url_encode(canonicalize(ed25519_header(kid=kid, typ=TYP_RECEIPT)))
    signing_input = f"{header}.{b64url_encode(payload)}"
    try:
        signature = get_backend(backend).sign(key_ref, signing_input.encode("ascii"))
    except KeyUnavailable as exc:
        raise ServiceUnavailable("signing_unavailable", "No signing key can sign the answer now.") from exc
    compact = f"{signing_input}.{b64url_encode(signature)}"
    if (kid, public_x) not in _checked_signers:
        verify_ed25519(parse_compact(compact), b64url_decode(public_x))
        _checked_signers.add((kid, public_x))
    return compact


def verification_caches_clear() -> None:
    """Forget what this process learnt about certificates on record and signers (tests, key changes)."""
    with _on_record_lock:
        _on_record.clear()
    _checked_signers.clear()
    _receipt_headers.clear()


# --- time --------------------------------------------------------------------------------


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).date().isoformat()


def _rfc3339_parse(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("a time without a time zone")
    return moment


__all__ = [
    "STATUSES",
    "Check",
    "Outcome",
    "answer_canonical",
    "certificate_get_for_verification",
    "certificate_status_at",
    "certificate_summary",
    "certificate_validity_at",
    "status_bundle_signed",
    "verification_answer",
    "verification_answer_by_number",
    "verification_by_document",
    "verification_by_number",
    "verification_caches_clear",
    "verification_list_for",
    "verification_on_record_prepare",
    "verification_record",
]
