"""The answer to a verification (CONTRACT §4): one builder for every path."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from certificates import roles
from certificates.issuance.access_codes import access_code_matches
from certificates.verification.declaration_check import declaration_check
from certificates.verification.entry import RegistryEntry
from certificates.verification.outcome import Outcome
from certificates.verification.receipts import verification_receipt_sign
from certificates.verification.statuses import VALID
from certificates.verification.times import rfc3339
from certificates.verification.usage import certificate_usage_for
from signing.jws import b64url_encode
from signing.models import SigningKey

PARTY_MEMBERS = ("name", "country")
ITEM_MEMBERS = ("line", "hs_code", "description", "quantity", "unit")


def verification_answer(
    *,
    outcome: Outcome,
    checked_at: datetime,
    at: datetime | None,
    user: Any,
    signing_key: SigningKey | None = None,
    binding: dict[str, str] | None = None,
    access_code: str | None = None,
    by_document: bool = False,
    declaration: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The response body with its signed ``receipt`` (``ServiceUnavailable`` if unsignable).

    ``signing_key``: the active key, when the caller has already read it; ``binding``: what ties the
    answer to its question (``answer_binding``); ``access_code`` and ``by_document``: what the
    caller holds, which decides how long its summary is (``certificate_view``); ``declaration``:
    validated lines to check against the certificate (a customs caller's dry run), whose
    ``declaration_check`` the receipt signs too.
    """
    body: dict[str, Any] = {
        "valid": outcome.status == VALID,
        "status": outcome.status,
        "number": outcome.number,
        "checked_at": rfc3339(checked_at),
        "checks": [check.as_dict() for check in outcome.checks],
        "certificate": certificate_view(
            outcome.certificate,
            user,
            access_code=access_code,
            by_document=by_document and _on_record(outcome),
        ),
    }
    if at is not None:
        body["at"] = rfc3339(at)
    usage = certificate_usage_for(entry=outcome.certificate, user=user)
    if usage is not None:
        body["usage"] = usage
    if declaration is not None:
        body["declaration_check"] = declaration_check(
            entry=outcome.certificate, declaration=declaration, valid=body["valid"]
        )
    body.update(binding or {})
    return {**body, "receipt": verification_receipt_sign(body=body, key=signing_key)}


def _on_record(outcome: Outcome) -> bool:
    """Whether the presented document is the one on record: its holder knows what the record says."""
    return any(check.name == "registry" and check.ok for check in outcome.checks)


def answer_binding(*, nonce: str | None, document_as_sent: str | None) -> dict[str, str]:
    """The caller's ``nonce`` and the hash of the document it sent (CONTRACT §4 v1.1), when there are.

    Both are signed with the answer, so a verifier can tell an answer to its question from a replay.
    """
    binding: dict[str, str] = {}
    if nonce is not None:
        binding["nonce"] = nonce
    if document_as_sent is not None:
        digest = hashlib.sha256(document_as_sent.encode("utf-8")).digest()
        binding["document_sha256"] = b64url_encode(digest)
    return binding


def certificate_view(
    certificate: RegistryEntry | None, user: Any, *, access_code: str | None = None, by_document: bool = False
) -> dict[str, Any] | None:
    """The whole document for those who may see it, else the summary (``certificate_summary``).

    The summary is the long one to a caller who presented the signed document itself or the
    certificate's access code; a wrong code is no error, it only leaves the summary short.
    """
    if certificate is None:
        return None
    if roles.sees_full_document(user):
        return certificate.document
    unlocked = by_document or summary_unlocked(certificate=certificate, access_code=access_code)
    return certificate_summary(certificate=certificate, long=unlocked)


def summary_unlocked(*, certificate: RegistryEntry, access_code: str | None) -> bool:
    """Whether ``access_code`` is the certificate's (ignoring case, spaces and hyphens; constant time)."""
    return access_code_matches(certificate.access_code, access_code)


def certificate_summary(*, certificate: RegistryEntry, long: bool) -> dict[str, Any]:
    """What a caller who does not see the whole document sees (CONTRACT §4 v1.1 "Summaries").

    Short: number, type, dates and issuer, all that a number alone may tell. Long (``long``):
    also the exporter, the consignee and the goods. The verify answer and the public page both
    shape their summary here, and nowhere else.
    """
    document = certificate.document
    summary: dict[str, Any] = {
        "number": certificate.number,
        "type": certificate.type,
        "issued_at": rfc3339(certificate.issued_at),
        "valid_from": certificate.valid_from.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "issuer": _members(document.get("issuer"), PARTY_MEMBERS),
    }
    if long:
        summary["exporter"] = _members(document.get("exporter"), PARTY_MEMBERS)
        summary["consignee"] = _members(document.get("consignee"), PARTY_MEMBERS)
        summary["items"] = [_members(item, ITEM_MEMBERS) for item in document.get("items", [])]
    return summary


def _members(value: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """The members ``names`` of a document's object, those it has."""
    present = value if isinstance(value, dict) else {}
    return {name: present[name] for name in names if name in present}
