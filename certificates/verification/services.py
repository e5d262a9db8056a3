"""Verification of certificates (CONTRACT §4): by number and by a presented document.

The checks and their order are in ``checks``; this module runs them over the certificate on
record or over a presented JWS, and gathers the names other code uses. Every registry read may
raise ``django.db.DatabaseError``; callers turn that into 503 (fail closed), never into an answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from certificates.verification import on_record
from certificates.verification.answer import (
    answer_binding,
    certificate_summary,
    certificate_view,
    verification_answer,
)
from certificates.verification.bundle import (
    status_bundle_cache_seconds,
    status_bundle_entries,
    status_bundle_sign,
    status_bundle_signed,
    status_bundle_ttl_seconds,
    status_delta_signed,
)
from certificates.verification.checks import (
    CHECKS,
    Case,
    certificate_status_at,
    certificate_superseded_at,
    certificate_validity_at,
    checks_run,
)
from certificates.verification.declaration_check import declaration_check_allowed_require
from certificates.verification.fast_path import _row_read, verification_answer_by_number
from certificates.verification.local_rows import local_rows_forget
from certificates.verification.outcome import Check, Outcome
from certificates.verification.receipts import answer_canonical, verification_receipt_sign
from certificates.verification.records import verification_record
from certificates.verification.selectors import (
    certificate_get_for_verification,
    registry_entry_get,
    verification_list_for,
)
from certificates.verification.statuses import MAX_DOCUMENT_BYTES, STATUSES
from certificates.verification.times import rfc3339


def verification_by_number(*, number: str, moment: datetime) -> Outcome:
    """Check the JWS on record for ``number`` as a presented one would be, then its status at ``moment``."""
    entry = registry_entry_get(number=number)
    token = entry.jws if entry is not None else ""
    return checks_run(Case(token=token, moment=moment, presented=False, asked=number, entry=entry))


def verification_by_document(*, token: str, moment: datetime) -> Outcome:
    """Check a presented JWS: form, algorithm, key, signature, then that it is the one on record."""
    return checks_run(Case(token=token, moment=moment, presented=True))


def verification_verify(
    *,
    user: Any,
    number: str | None = None,
    document: str | None = None,
    at: datetime | None = None,
    nonce: str | None = None,
    document_as_sent: str | None = None,
    access_code: str | None = None,
    declaration: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The answer to a request by ``number`` or by ``document``, about ``at`` (default: now).

    The answer echoes ``nonce`` and, for a document, the SHA-256 of ``document_as_sent`` (before
    any trimming; default ``document``). ``access_code`` lengthens a summary when it is the
    certificate's. An authenticated caller's verification is recorded. A customs caller's
    ``declaration`` (validated lines) is checked, never recorded or drawn down.
    """
    if declaration is not None:
        declaration_check_allowed_require(user=user)
    checked_at = timezone.now()
    query, outcome = _outcome(number=number, document=document, moment=at or checked_at)
    sent = document_as_sent if document_as_sent is not None else document
    binding = answer_binding(nonce=nonce, document_as_sent=sent if document is not None else None)
    body = verification_answer(
        outcome=outcome,
        checked_at=checked_at,
        at=at,
        user=user,
        binding=binding,
        access_code=access_code,
        by_document=document is not None,
        declaration=declaration,
    )
    verification_record(user=user, query=query, number=outcome.number, status=outcome.status, at=at)
    return body


def _outcome(*, number: str | None, document: str | None, moment: datetime) -> tuple[str, Outcome]:
    """What was asked (``document`` or ``number``) and the checks' outcome."""
    if document is not None:
        return "document", verification_by_document(token=document, moment=moment)
    return "number", verification_by_number(number=number or "", moment=moment)


def verification_verify_number_now(
    *, user: Any, number: str, access_code: str | None = None
) -> dict[str, Any]:
    """``verification_verify(number=…, access_code=…)`` for one who sees a summary, on the fast path."""
    body, status = verification_answer_by_number(
        number=number, checked_at=timezone.now(), user=user, access_code=access_code
    )
    verification_record(user=user, query="number", number=number, status=status, at=None)
    return body


def verification_caches_clear() -> None:
    """Forget what this process learnt about certificates on record and kept rows (tests, key changes)."""
    on_record.forget_all()
    local_rows_forget()


# Older names, still used by tests of the fast path and of the offline verifier.
_built_answer_canonical = answer_canonical
_status_bundle_sign = status_bundle_sign

__all__ = [
    "CHECKS",
    "MAX_DOCUMENT_BYTES",
    "STATUSES",
    "Check",
    "Outcome",
    "_row_read",
    "answer_binding",
    "answer_canonical",
    "certificate_get_for_verification",
    "certificate_status_at",
    "certificate_summary",
    "certificate_superseded_at",
    "certificate_validity_at",
    "certificate_view",
    "declaration_check_allowed_require",
    "rfc3339",
    "status_bundle_cache_seconds",
    "status_bundle_entries",
    "status_bundle_signed",
    "status_bundle_ttl_seconds",
    "status_delta_signed",
    "verification_answer",
    "verification_answer_by_number",
    "verification_by_document",
    "verification_by_number",
    "verification_caches_clear",
    "verification_list_for",
    "verification_receipt_sign",
    "verification_record",
    "verification_verify",
    "verification_verify_number_now",
]
