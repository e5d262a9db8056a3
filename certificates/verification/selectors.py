"""Reads of the registry that verification shares (each may raise ``DatabaseError``: fail closed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from certificates import roles
from certificates.issuance.models import Certificate
from certificates.verification.entry import RegistryEntry, registry_entry_from_certificate
from certificates.verification.models import Verification
from signing.transparency.models import LogLeaf


def certificate_get_for_verification(*, number: str) -> Certificate | None:
    """The certificate with what a verification shows of it, in one query."""
    return (
        Certificate.objects.select_related("superseded_by", "application__exporter")
        .filter(number=number)
        .first()
    )


def registry_entry_get(*, number: str) -> RegistryEntry | None:
    certificate = certificate_get_for_verification(number=number)
    return registry_entry_from_certificate(certificate) if certificate is not None else None


def log_leaf_hash_get(*, index: int | None) -> bytes | None:
    """The leaf hash stored at ``index`` of the transparency log, if there is one."""
    if index is None:
        return None
    leaf = LogLeaf.objects.filter(index=index).first()
    return bytes(leaf.leaf_hash) if leaf is not None else None


def verification_list_for(*, user: Any) -> QuerySet[Verification]:
    """Staff see every verification; others only their organization's (none without one)."""
    rows = Verification.objects.select_related("user", "organization")
    if roles.is_administrator(user):
        return rows
    if user.organization_id is None:
        return rows.none()
    return rows.filter(organization_id=user.organization_id)


def verifier_organization_ids(*, number: str, since: datetime) -> QuerySet[Verification, Any]:
    """The ids of the organizations whose users verified ``number`` since ``since``: a subquery."""
    rows = Verification.objects.filter(number=number, created_at__gte=since, organization__isnull=False)
    return rows.values("organization_id")
