"""A certificate as verification reads it: the registry's facts, whichever query loaded them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from certificates.issuance.models import Certificate


@dataclass
class RegistryEntry:
    """What the checks, the status and the summary read of a certificate on record."""

    number: str
    status: str
    type: str
    issued_at: datetime
    valid_from: date
    valid_until: date
    revoked_at: datetime | None
    revocation_reason: str
    jws_sha256: str
    kid: str
    log_index: int | None
    superseded_by_number: str | None = None
    superseded_by_issued_at: datetime | None = None
    exhausted_at: datetime | None = None
    # Read with the changing parts on every request, never kept in a cache (CONTRACT §9).
    access_code: str = ""
    jws: str = ""
    document: dict[str, Any] = field(default_factory=dict)

    @property
    def is_revoked(self) -> bool:
        return self.status == Certificate.Status.REVOKED

    @property
    def is_superseded(self) -> bool:
        return self.status == Certificate.Status.SUPERSEDED


def registry_entry_from_certificate(certificate: Certificate) -> RegistryEntry:
    replacement = certificate.superseded_by
    return RegistryEntry(
        number=certificate.number,
        status=certificate.status,
        type=certificate.type,
        issued_at=certificate.issued_at,
        valid_from=certificate.valid_from,
        valid_until=certificate.valid_until,
        revoked_at=certificate.revoked_at,
        revocation_reason=certificate.revocation_reason,
        jws_sha256=certificate.jws_sha256,
        kid=certificate.kid,
        log_index=certificate.log_index,
        superseded_by_number=replacement.number if replacement else None,
        superseded_by_issued_at=replacement.issued_at if replacement else None,
        exhausted_at=certificate.exhausted_at,
        access_code=certificate.access_code,
        jws=certificate.jws,
        document=certificate.document,
    )
