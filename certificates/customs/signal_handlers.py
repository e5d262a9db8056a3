"""The customs room's answers to what issuance asks."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from certificates.accounts.models import Organization
from certificates.customs.selectors import certificate_customs_watchers
from certificates.issuance.models import Certificate
from certificates.issuance.signals import certificate_watchers_asked


def customs_watching(sender: Any, *, certificate: Certificate, **kwargs: Any) -> QuerySet[Organization]:
    """The customs organizations that used or recently verified the certificate."""
    return certificate_customs_watchers(certificate=certificate)


def connect() -> None:
    certificate_watchers_asked.connect(customs_watching, dispatch_uid="customs-watching")
