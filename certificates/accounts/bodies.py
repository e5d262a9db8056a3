"""Issuing bodies: the issuer organizations, one per country, each with its officers, keys and numbers.

An exporter's applications go to the body of the exporter's country (CONTRACT §6 v1.1). Signing
knows a body only by its country: ``signing_scope_resolve`` names it for the keys it owns.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from certificates.accounts.models import Organization, User
from signing.models import SigningKey
from signing.services import signing_key_ensure_active, signing_keys_rename_body

ISSUER = Organization.Kind.ISSUER


def issuing_bodies() -> QuerySet[Organization]:
    """Every issuing body, by country; a body with its own number prefix first within a country."""
    unprefixed = Case(When(number_prefix="", then=Value(1)), default=Value(0), output_field=IntegerField())
    return Organization.objects.filter(kind=ISSUER).order_by("country", unprefixed, "id")


def issuing_body_of(country: str) -> Organization | None:
    """The issuing body of ``country`` (two letters), or ``None`` when none is configured."""
    return issuing_bodies().filter(country=str(country).upper()).first()


def signing_scope_resolve(country: str) -> str | None:
    """The resolver signing asks (``signing.scopes``): the body's name, ``None`` for no such body."""
    body = issuing_body_of(country)
    return body.name if body is not None else None


def issuing_body_key_ensure(body: Organization) -> SigningKey:
    """The body's active signing key, created and activated when it has none."""
    return signing_key_ensure_active(issuer_country=str(body.country))


def issuing_body_renamed(body: Organization) -> None:
    """Keys show their body's current name (verifiers match on the country, never on it)."""
    if body.kind == ISSUER and issuing_body_of(str(body.country)) == body:
        signing_keys_rename_body(issuer_country=str(body.country), issuer_name=body.name)


def issuing_body_officers(body: Organization) -> QuerySet[User]:
    return body.users.filter(role=User.Role.OFFICER).order_by("username")


def issuing_body_keys(body: Organization) -> QuerySet[SigningKey]:
    """The keys the body owns, newest first (its country is their owner, CONTRACT §3 v1.1)."""
    return SigningKey.objects.filter(issuer_country=str(body.country)).order_by("-created_at", "-id")


def issuing_body_counts(body: Organization) -> dict[str, int]:
    """Certificates the body issued and its country's applications awaiting a decision."""
    exporters = Organization.objects.filter(kind=Organization.Kind.EXPORTER, country=body.country)
    pending = exporters.filter(applications__status="submitted").count()
    return {"certificates_issued": body.issued_certificates.count(), "applications_pending": pending}
