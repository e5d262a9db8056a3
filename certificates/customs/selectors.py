"""Which declarations a user may read (CONTRACT §10)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from certificates import roles
from certificates.accounts.models import User
from certificates.customs.models import Declaration, DeclarationLine
from certificates.issuance.models import Certificate
from certificates.issuance.selectors import certificate_list_for


def _declarations() -> QuerySet[Declaration]:
    lines = DeclarationLine.objects.order_by("position")
    return Declaration.objects.select_related("certificate", "customs_organization").prefetch_related(
        Prefetch("lines", queryset=lines)
    )


def certificate_for_declarations(*, user: User) -> QuerySet[Certificate]:
    """Certificates whose declarations ``user`` may list: those it may read (exporters: their own)."""
    return certificate_list_for(user=user)


def declaration_list_of_certificate(*, certificate: Certificate) -> QuerySet[Declaration]:
    return _declarations().filter(certificate=certificate)


def declaration_list_of_organization(*, user: User) -> QuerySet[Declaration]:
    """A customs organization's own declarations, against any certificate."""
    if not roles.is_customs(user) or user.organization_id is None:
        return Declaration.objects.none()
    return _declarations().filter(customs_organization_id=user.organization_id)


def declaration_get_for(*, user: User, pk: int) -> Declaration | None:
    return declaration_list_of_organization(user=user).filter(pk=pk).first()
