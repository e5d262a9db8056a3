"""The Verification rows: what authenticated callers asked and were answered."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from certificates.verification.models import Verification


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
