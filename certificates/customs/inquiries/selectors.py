"""Which inquiries a user may read, in the order each reader works them (CONTRACT §10)."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from certificates import roles
from certificates.accounts.models import Organization, User
from certificates.customs.inquiries.models import Inquiry
from certificates.issuance.models import Certificate
from certificates.issuance.selectors import certificate_list_for

# Overdue first, then open, then answered: what waits longest on the body comes first.
QUEUE_RANK = Case(
    When(status=Inquiry.Status.OVERDUE, then=Value(0)),
    When(status=Inquiry.Status.OPEN, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def _inquiries() -> QuerySet[Inquiry]:
    return Inquiry.objects.select_related("certificate", "customs_organization")


def certificate_for_inquiry(*, user: User, number: str) -> Certificate | None:
    """The certificate ``user`` may read by its number, or ``None``."""
    return certificate_list_for(user=user).filter(number=number).first()


def issuing_body_countries(*, user: User) -> list[str]:
    """The countries of the issuing bodies whose inquiries ``user`` answers."""
    asked = Inquiry.objects.order_by().values_list("issuer_country", flat=True).distinct()
    return [country for country in asked if roles.is_officer_of_issuing_body(user, country)]


def inquiry_list_for(*, user: User) -> QuerySet[Inquiry]:
    """Customs: their organization's inquiries; officers: their bodies'. Unanswered first, by ``due_at``."""
    if roles.is_customs(user) and user.organization_id is not None:
        found = _inquiries().filter(customs_organization_id=user.organization_id)
    elif roles.is_officer(user):
        found = _inquiries().filter(issuer_country__in=issuing_body_countries(user=user))
    else:
        return Inquiry.objects.none()
    return found.annotate(queue_rank=QUEUE_RANK).order_by("queue_rank", "due_at", "id")


def inquiry_get_for(*, user: User, pk: int) -> Inquiry | None:
    return inquiry_list_for(user=user).filter(pk=pk).first()


def inquiry_officer_organizations(*, inquiry: Inquiry) -> list[Organization]:
    """The organizations of the officers who answer ``inquiry``: they are told when it is overdue."""
    officers = User.objects.filter(role=User.Role.OFFICER, is_active=True).select_related("organization")
    found: dict[int, Organization] = {}
    for officer in officers:
        if officer.organization and roles.is_officer_of_issuing_body(officer, inquiry.issuer_country):
            found[officer.organization.pk] = officer.organization
    return list(found.values())
