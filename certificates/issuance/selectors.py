"""Reads of issued certificates shared by the API and the admin, each a fixed number of queries."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch, QuerySet

from certificates import roles
from certificates.accounts.models import User
from certificates.issuance.models import Certificate, CertificateEvent


def certificate_list_for(*, user: User) -> QuerySet[Certificate]:
    """Exporters see their organization's certificates, officers their body's; customs and staff all."""
    queryset = Certificate.objects.select_related("application__exporter", "replaces", "superseded_by").defer(
        "canonical", "credential"
    )
    if roles.is_exporter(user):
        return queryset.filter(application__exporter_id=user.organization_id)
    if roles.is_officer(user):
        body = roles.issuing_body_country(user)
        return queryset.filter(document__issuer__country=body) if body else queryset.none()
    if roles.is_customs(user) or roles.is_administrator(user):
        return queryset
    return queryset.none()


def certificate_detail_for(*, user: User) -> QuerySet[Certificate]:
    events = CertificateEvent.objects.select_related("actor").order_by("at", "id")
    return certificate_list_for(user=user).prefetch_related(Prefetch("events", queryset=events))


def certificate_access_code_for(*, user: object, certificate: Certificate) -> str | None:
    """The certificate's access code for its exporter and officers (CONTRACT §9), else ``None``."""
    if roles.sees_access_code(user, exporter_id=certificate.application.exporter_id):
        return certificate.access_code
    return None


def certificate_log_index(number: str) -> int | None:
    """The transparency-log leaf of a certificate's JWS (``TRANSPARENCY_NUMBER_RESOLVER``)."""
    return Certificate.objects.filter(number=number).values_list("log_index", flat=True).first()


def certificate_list_signed_with(*, kid: str, since: datetime) -> QuerySet[Certificate]:
    """The certificates the key ``kid`` signed at or after ``since``, oldest first.

    ``issued_at`` is the time the document claims and verification judges a compromise by
    (``SigningKey.was_compromised_at``), so this lists exactly what a revocation at ``since`` fails.
    """
    return (
        Certificate.objects.filter(kid=kid, issued_at__gte=since)
        .select_related("application__exporter", "superseded_by")
        .defer("canonical", "credential", "document", "jws")
        .order_by("issued_at", "id")
    )
