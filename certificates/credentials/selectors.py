"""Reads of credentials, with the access of the certificate's ``/document``."""

from __future__ import annotations

from certificates.accounts.models import User
from certificates.issuance.models import Certificate
from certificates.issuance.selectors import certificate_list_for


def certificate_credential_for(*, user: User, number: str) -> Certificate | None:
    """The certificate ``number`` when ``user`` may read its document (CONTRACT §7), else ``None``."""
    return (
        certificate_list_for(user=user)
        .select_related(None)
        .only("number", "credential")
        .filter(number=number)
        .first()
    )
