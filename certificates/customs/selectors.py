"""Which declarations a user may read (CONTRACT §10)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from certificates import roles
from certificates.accounts.models import Organization, User
from certificates.customs.matching import quantity_text
from certificates.customs.models import Declaration, DeclarationLine, ItemUsage
from certificates.issuance.models import Certificate
from certificates.issuance.selectors import certificate_list_for
from certificates.verification.entry import RegistryEntry
from certificates.verification.selectors import verifier_organization_ids

# CONTRACT §10: customs that verified a certificate this recently hear when it stops being valid.
WATCHED_AFTER_VERIFYING = timedelta(days=90)


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


def certificate_usage_read(entry: RegistryEntry) -> list[dict[str, Any]]:
    """Each item's quantity, what recorded declarations drew and what remains, three decimals."""
    drawn = _drawn(entry)
    return [
        _usage(item, drawn.get(int(item["line"]), Decimal("0"))) for item in entry.document.get("items", [])
    ]


def certificate_item_usages(entry: RegistryEntry) -> dict[int, ItemUsage]:
    """Each signed item's usage as a recording would find it, read in one query, no row created or locked."""
    drawn = _drawn(entry)
    return {
        int(item["line"]): ItemUsage(
            item_line=int(item["line"]),
            hs_code=str(item["hs_code"]),
            unit=str(item["unit"]),
            quantity=Decimal(str(item["quantity"])),
            used=drawn.get(int(item["line"]), Decimal("0")),
        )
        for item in entry.document.get("items", [])
    }


def _drawn(entry: RegistryEntry) -> dict[int, Decimal]:
    return dict(ItemUsage.objects.filter(certificate__number=entry.number).values_list("item_line", "used"))


def _usage(item: dict[str, Any], used: Decimal) -> dict[str, Any]:
    quantity = Decimal(str(item["quantity"]))
    return {
        "item_line": int(item["line"]),
        "quantity": quantity_text(quantity),
        "used": quantity_text(used),
        "remaining": quantity_text(quantity - used),
    }


def declaration_get_for(*, user: User, pk: int) -> Declaration | None:
    return declaration_list_of_organization(user=user).filter(pk=pk).first()


def certificate_customs_watchers(*, certificate: Certificate) -> QuerySet[Organization]:
    """Customs organizations told of ``certificate``'s revocation, supersession or exhaustion.

    Those that recorded a declaration against it (annulled ones too: they cleared or held its
    goods) or verified it in the last 90 days; each once, in one query (CONTRACT §10).
    """
    declared = Declaration.objects.filter(certificate=certificate).values("customs_organization_id")
    since = timezone.now() - WATCHED_AFTER_VERIFYING
    verified = verifier_organization_ids(number=certificate.number, since=since)
    touched = Q(pk__in=declared) | Q(pk__in=verified)
    return Organization.objects.filter(touched, kind=Organization.Kind.CUSTOMS).order_by("id")
