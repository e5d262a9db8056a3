"""The answer to a verification (CONTRACT §4): one builder for every path."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from certificates import roles
from certificates.verification.entry import RegistryEntry
from certificates.verification.outcome import Outcome
from certificates.verification.receipts import verification_receipt_sign
from certificates.verification.statuses import VALID
from certificates.verification.times import rfc3339
from signing.models import SigningKey


def verification_answer(
    *,
    outcome: Outcome,
    checked_at: datetime,
    at: datetime | None,
    user: Any,
    signing_key: SigningKey | None = None,
) -> dict[str, Any]:
    """The response body with its signed ``receipt`` (``ServiceUnavailable`` if unsignable).

    ``signing_key``: the active key, when the caller has already read it.
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
    return {**body, "receipt": verification_receipt_sign(body=body, key=signing_key)}


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
