"""Verification by number for callers who see the summary: the common request, in one query.

Every request reads the certificate's current status, dates, replacement and exhaustion (one
query of one table, or this process's copy of its row: ``local_rows``), its key (with its
compromise time) and the active key (``known_keys``), so a revocation of the certificate or of a
key is visible within a second; then it runs the same ``CHECKS`` as every other verification. What never
changes about a certificate on record (its JWS and document, the log's leaf hash at its index, and
that its signature verified with its key) is read once, remembered in this process and shared with
the others through the cache under (jws_sha256, kid, public key, log_index).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.db import connection

from certificates.issuance.models import Certificate
from certificates.issuance.numbering import NUMBER_PATTERN
from certificates.verification import on_record
from certificates.verification.answer import verification_answer
from certificates.verification.checks import Case, checks_run
from certificates.verification.entry import RegistryEntry
from certificates.verification.known_keys import known_keys
from certificates.verification.local_rows import local_row
from certificates.verification.on_record import OnRecord, RecordKey
from certificates.verification.outcome import Outcome
from certsvc.problems import ServiceUnavailable
from signing.models import SigningKey
from signing.selectors import signing_keys_await_registry

# The checks that depend only on what never changes: a record that passes them is sound.
_SOUND = ("well_formed", "algorithm", "key_known", "signature", "registry", "transparency_log")


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


def verification_on_record_prepare(*, number: str) -> bool:
    """Read and check what never changes about certificate ``number`` now, and share it.

    Meant for right after issuance, so that the first verification of a certificate is as cheap
    as the next ones. False if the certificate is unknown or unsound. Only shared: the process that
    issues (a worker) never verifies, and remembering every certificate it signs would grow it.
    """
    row = _row_read(number)
    if row.entry is None:
        return False
    outcome = _outcome(row, number, datetime.now(UTC), remember_here=False)
    passed = {check.name for check in outcome.checks if check.ok}
    return all(name in passed for name in _SOUND)


def _outcome(row: _Row, number: str, moment: datetime, *, remember_here: bool = True) -> Outcome:
    case = Case(token="", moment=moment, presented=False, asked=number, entry=row.entry, key=row.key)
    if row.entry is None:
        return checks_run(case)
    known = on_record.remembered(row.record_key)
    learnt = known is None
    if known is None:
        known = on_record.shared_get(row.record_key) or _on_record_read(row)
    _hand_in(case, row.entry, known)
    outcome = checks_run(case)
    if learnt:
        _keep(row, known, case, remember_here=remember_here)
    return outcome


def _hand_in(case: Case, entry: RegistryEntry, known: OnRecord) -> None:
    entry.jws, entry.document = known.jws, known.document
    case.token, case.parsed = known.jws, known.parsed
    case.logged_hash, case.log_read = known.logged_hash, True
    case.verified_with = known.verified_with
    case.signed_document = known.signed_document


def _keep(row: _Row, known: OnRecord, case: Case, *, remember_here: bool) -> None:
    """Remember what the checks established; share it when it was read from the registry."""
    checked = OnRecord(
        jws=known.jws,
        document=known.document,
        logged_hash=known.logged_hash,
        parsed=case.parsed,
        verified_with=case.verified_with,
        shared=known.shared,
        signed_document=case.signed_document,
    )
    if remember_here:
        on_record.remember(row.record_key, checked)
    if not known.shared:
        on_record.shared_set(row.record_key, checked)


def _on_record_read(row: _Row) -> OnRecord:
    """The certificate's JWS, document and log leaf hash: the one more query of a first verification."""
    with connection.cursor() as cursor:
        cursor.execute(_record_sql(), [row.certificate_id])
        jws, document, logged_hash = cursor.fetchone()
    return OnRecord(
        jws=jws,
        document=json.loads(document) if isinstance(document, str | bytes) else document,
        logged_hash=bytes(logged_hash) if logged_hash is not None else None,
    )


def _record_sql() -> str:
    certificate = Certificate._meta.db_table
    leaf = on_record.leaf_table()
    return (
        f"SELECT c.jws, c.document, l.leaf_hash FROM {certificate} c "  # noqa: S608  # nosec B608 - model tables
        f'LEFT JOIN {leaf} l ON l."index" = c.log_index WHERE c.id = %s'
    )


def _row_sql() -> str:
    # The table name comes from the model; the number is a bound parameter.
    return (
        "SELECT id, status, type, issued_at, valid_from, valid_until, revoked_at, revocation_reason, "  # noqa: S608  # nosec B608 - model table, bound value
        "jws_sha256, kid, log_index, superseded_by_id, exhausted_at, access_code "
        f"FROM {Certificate._meta.db_table} WHERE number = %s"
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
    with connection.cursor() as cursor:
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
