"""Verification by number for callers who see the summary: the common request, in one query.

Every request reads the certificate's current status, dates, replacement and exhaustion with its
JWS and the log's leaf hash at its index (one query, or this process's copy of its row:
``local_rows``), its key (with its compromise time) and the active key (``known_keys``), so a
revocation of the certificate or of a key is visible within a second; then it runs the same
``CHECKS`` as every other verification. What the checks establish about what never changes (the
JWS parsed, its document, that its signature verified with its key) is remembered in this process
under (jws_sha256, kid, public key, log_index). The answer shows the signed document of a sound
record, which is the registry's; of an unsound one, the registry's, read apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from certificates.issuance.models import Certificate
from certificates.issuance.numbering import NUMBER_PATTERN
from certificates.verification import on_record
from certificates.verification.answer import verification_answer
from certificates.verification.checks import SOUND, Case, checks_run
from certificates.verification.entry import RegistryEntry
from certificates.verification.known_keys import known_keys
from certificates.verification.local_rows import local_row
from certificates.verification.on_record import OnRecord, RecordKey
from certificates.verification.outcome import Outcome
from certsvc.prepared import prepared_cursor
from certsvc.problems import ServiceUnavailable
from signing.models import SigningKey
from signing.selectors import signing_keys_await_registry


@dataclass(frozen=True)
class _Row:
    """The one query's answer: the entry (``None``: no such number), its key and the active key."""

    entry: RegistryEntry | None
    certificate_id: int | None
    jws_sha256: str
    kid: str
    log_index: int | None
    key_public_x: str | None
    key: SigningKey | None
    active: SigningKey | None
    jws: str = ""
    logged_hash: bytes | None = None

    @property
    def record_key(self) -> RecordKey:
        return (self.jws_sha256, self.kid, self.key_public_x, self.log_index)

    @property
    def keepable(self) -> bool:
        """Whether a process may keep this row: a signed certificate, a key to answer, no access code."""
        return bool(self.entry and self.jws_sha256 and self.active and not self.entry.access_code)


def verification_answer_by_number(
    *, number: str, checked_at: datetime, user: Any, access_code: str | None = None
) -> tuple[dict[str, Any], str]:
    """The answer to ``{"number": …, "access_code": …}`` asked now by one who sees a summary, and its status.

    Same answer as ``verification_answer(outcome=verification_by_number(…), access_code=…)``: the
    summary is shaped there, from the access code read with the certificate's changing parts.
    """
    row = _row_read(number) if access_code is not None else local_row(number, _row_read_without_code)
    if row.active is None and not signing_keys_await_registry():
        raise ServiceUnavailable("signing_unavailable", "No signing key can sign the answer now.")
    outcome = _outcome(row, number, checked_at)
    answer = verification_answer(
        outcome=outcome,
        checked_at=checked_at,
        at=None,
        user=user,
        signing_key=row.active,
        access_code=access_code,
    )
    return answer, outcome.status


def _sound(outcome: Outcome) -> bool:
    return {check.name for check in outcome.checks if check.ok}.issuperset(SOUND)


def _outcome(row: _Row, number: str, moment: datetime) -> Outcome:
    case = Case(token="", moment=moment, presented=False, asked=number, entry=row.entry, key=row.key)
    if row.entry is None:
        return checks_run(case)
    known = on_record.remembered(row.record_key)
    learnt = known is None
    if known is None:
        known = OnRecord(jws=row.jws, document=None, logged_hash=row.logged_hash)
    _hand_in(case, row.entry, known)
    outcome = checks_run(case)
    sound = _sound(outcome)  # then the checks have shown the signed document
    if known.document is None and not sound:
        row.entry.document = _registry_document(row.entry)
    if learnt:
        _remember(row, known, case, None if sound else row.entry.document)
    return outcome


def _hand_in(case: Case, entry: RegistryEntry, known: OnRecord) -> None:
    entry.jws = known.jws
    if known.document is not None:
        entry.document = known.document
    case.token, case.parsed = known.jws, known.parsed
    case.logged_hash, case.log_read = known.logged_hash, True
    case.verified_with = known.verified_with
    case.signed_document = known.signed_document


def _remember(row: _Row, known: OnRecord, case: Case, document: dict[str, Any] | None) -> None:
    """Remember what the checks established; ``document`` (the registry's) only for an unsound record."""
    checked = OnRecord(
        jws=known.jws,
        document=document,
        logged_hash=known.logged_hash,
        parsed=case.parsed,
        verified_with=case.verified_with,
        signed_document=case.signed_document,
    )
    on_record.remember(row.record_key, checked)


def _registry_document(entry: RegistryEntry) -> dict[str, Any]:
    """The document the registry holds, shown for a record whose JWS does not stand."""
    documents = Certificate.objects.values_list("document", flat=True)
    document: dict[str, Any] = documents.get(number=entry.number)
    return document


def _row_sql() -> str:
    # The table names come from the models; the number is a bound parameter.
    return (
        "SELECT c.id, c.status, c.type, c.issued_at, c.valid_from, c.valid_until, c.revoked_at, "  # noqa: S608  # nosec B608 - model tables, bound value
        "c.revocation_reason, c.jws_sha256, c.kid, c.log_index, c.superseded_by_id, c.exhausted_at, "
        f"c.access_code, c.jws, l.leaf_hash FROM {Certificate._meta.db_table} c "
        f'LEFT JOIN {on_record.leaf_table()} l ON l."index" = c.log_index WHERE c.number = %s'
    )


def _superseding_sql() -> str:
    return f"SELECT number, issued_at FROM {Certificate._meta.db_table} WHERE id = %s"  # noqa: S608  # nosec B608 - model table, bound value


def _row_read_without_code(number: str) -> _Row:
    """``_row_read`` with the access code left out, so that the row may be kept (``local_rows``)."""
    row = _row_read(number)
    if row.entry is not None:
        row.entry.access_code = ""
    return row


def _row_read(number: str) -> _Row:
    """The certificate's changing parts (one query; two for a superseded one), its key and the active key."""
    if not re.fullmatch(NUMBER_PATTERN, number):
        return _row_without_certificate()
    with prepared_cursor() as cursor:
        cursor.execute(_row_sql(), [number])
        r = cursor.fetchone()
        if r is None:
            return _row_without_certificate()
        superseding = (None, None)
        if r[11] is not None:
            cursor.execute(_superseding_sql(), [r[11]])
            superseding = cursor.fetchone() or superseding
    keys = known_keys(kid=r[9])
    key = keys.signed_with.get(r[9])
    return _Row(
        entry=_entry(number, r, superseding),
        certificate_id=r[0],
        jws_sha256=r[8],
        kid=r[9],
        log_index=r[10],
        key_public_x=key.public_x if key is not None else None,
        key=key,
        active=keys.active,
        jws=r[14],
        logged_hash=bytes(r[15]) if r[15] is not None else None,
    )


def _row_without_certificate() -> _Row:
    return _Row(
        entry=None,
        certificate_id=None,
        jws_sha256="",
        kid="",
        log_index=None,
        key_public_x=None,
        key=None,
        active=known_keys().active,
    )


def _entry(number: str, r: tuple[Any, ...], superseding: tuple[Any, Any]) -> RegistryEntry:
    return RegistryEntry(
        number=number,
        status=r[1],
        type=r[2],
        issued_at=_required(_moment(r[3])),
        valid_from=_date(r[4]),
        valid_until=_date(r[5]),
        revoked_at=_moment(r[6]),
        revocation_reason=r[7],
        jws_sha256=r[8],
        kid=r[9],
        log_index=r[10],
        superseded_by_number=superseding[0],
        superseded_by_issued_at=_moment(superseding[1]),
        exhausted_at=_moment(r[12]),
        access_code=r[13],
    )


def _moment(value: object) -> datetime | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    # SQLite hands back naive UTC (or text); PostgreSQL aware datetimes.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _required(moment: datetime | None) -> datetime:
    if moment is None:
        raise ValueError("issued_at is a NOT NULL column")
    return moment


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
