"""The answer to a verification (CONTRACT §4): one builder for every path."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from certificates import roles
from certificates.verification.declaration_check import declaration_check
from certificates.verification.entry import RegistryEntry
from certificates.verification.outcome import Outcome
from certificates.verification.receipts import verification_receipt_sign
from certificates.verification.statuses import VALID
from certificates.verification.times import rfc3339
from certificates.verification.usage import certificate_usage_for
from signing.jws import b64url_encode
from signing.models import SigningKey


def verification_answer(
    *,
    outcome: Outcome,
    checked_at: datetime,
    at: datetime | None,
    user: Any,
    signing_key: SigningKey | None = None,
    binding: dict[str, str] | None = None,
    declaration: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The response body with its signed ``receipt`` (``ServiceUnavailable`` if unsignable).

    ``signing_key``: the active key, when the caller has already read it; ``binding``: what ties the
    answer to its question (``answer_binding``); ``declaration``: validated lines to check against
    the certificate (a customs caller's dry run), whose ``declaration_check`` the receipt signs too.
    """
    body: dict[str, Any] = {
        "valid": outcome.status == VALID,
        "status": outcome.status,
        "number": outcome.number,
        "checked_at": rfc3339(checked_at),
        "checks": [check.as_dict() for check in outcome.checks],
        "certificate": certificate_view(outcome.certificate, user),
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


def certificate_view(certificate: RegistryEntry | None, user: Any) -> dict[str, Any] | None:
    """The whole document for those who may see it, else the summary anyone may see."""
    if certificate is None:
        return None
    if roles.sees_full_document(user):
        return certificate.document
    return certificate_summary(certificate=certificate)


def certificate_summary(*, certificate: RegistryEntry) -> dict[str, Any]:
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
