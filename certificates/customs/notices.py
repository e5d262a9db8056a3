"""What the exporter and customs hear of a recorded declaration (CONTRACT §10).

Emitted inside the transaction that records it, so the notices commit or roll back with it.
"""

from __future__ import annotations

from typing import Any

from certificates.customs.matching import quantity_text
from certificates.customs.models import Declaration, DeclarationLine
from certificates.customs.selectors import certificate_customs_watchers
from certificates.issuance.models import Certificate
from certificates.notifications.models import EventType
from certificates.notifications.services import event_emit
from signing.times import rfc3339


def declaration_recorded_emit(
    certificate: Certificate, declaration: Declaration, *, status: str, exhausted: bool
) -> None:
    """Every recording reaches the exporter's webhooks; the one that drew the last of every item
    is also ``certificate.exhausted``, to the exporter (webhook and e-mail) and the watching customs.
    """
    exporter = certificate.application.exporter
    event_emit(
        type=EventType.CERTIFICATE_DECLARATION_RECORDED,
        data=declaration_event_data(certificate, declaration, status=status),
        webhook_organizations=[exporter],
    )
    if exhausted:
        event_emit(
            type=EventType.CERTIFICATE_EXHAUSTED,
            data=_exhausted_data(certificate, declaration),
            organizations=[exporter],
            webhook_organizations=certificate_customs_watchers(certificate=certificate),
        )


def declaration_event_data(
    certificate: Certificate, declaration: Declaration, *, status: str
) -> dict[str, Any]:
    organization = declaration.customs_organization
    return {
        "number": certificate.number,
        "declaration_id": declaration.pk,
        "declaration_number": declaration.declaration_number,
        "declared_at": rfc3339(declaration.declared_at),
        "customs_office": declaration.customs_office,
        "customs_organization": {"name": organization.name, "country": str(organization.country)},
        "recorded_at": rfc3339(declaration.recorded_at),
        "lines": [_line(line) for line in declaration.lines.order_by("position")],
        "certificate_status": status,
    }


def _line(line: DeclarationLine) -> dict[str, Any]:
    return {
        "item_line": line.item_line,
        "hs_code": line.hs_code,
        "quantity": quantity_text(line.quantity),
        "unit": line.unit,
        "remaining": quantity_text(line.remaining),
    }


def _exhausted_data(certificate: Certificate, declaration: Declaration) -> dict[str, Any]:
    return {
        "number": certificate.number,
        "exhausted_at": rfc3339(certificate.exhausted_at or declaration.recorded_at),
        "declaration_id": declaration.pk,
        "declaration_number": declaration.declaration_number,
        "customs_office": declaration.customs_office,
    }
