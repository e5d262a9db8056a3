"""Recording and annulling customs declarations against a certificate (CONTRACT §10).

Every declaration locks the certificate row, then its items' usage rows in line order, inside
one transaction: concurrent declarations queue on the certificate, so no item is drawn past its
quantity and the certificate's audit chain stays linear. The usage check constraint backs this.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import roles
from certificates.accounts.models import Organization, User
from certificates.customs.errors import DeclarationError
from certificates.customs.matching import DeclaredLine, line_mismatches, quantity_text, same_lines
from certificates.customs.models import Declaration, DeclarationLine, ItemUsage
from certificates.customs.notices import declaration_recorded_emit
from certificates.issuance.history import certificate_event_record, certificate_log_event_append
from certificates.issuance.models import Certificate
from certificates.verification.entry import registry_entry_from_certificate
from certificates.verification.services import certificate_status_at, certificate_validity_at
from signing.times import rfc3339

VALID = "valid"
EXHAUSTED = "exhausted"
# Whether anything remains is for the lines to decide (``quantity_exceeds_remaining``).
USABLE = (VALID, EXHAUSTED)


def declaration_record(
    *,
    certificate: Certificate,
    actor: User,
    declaration_number: str,
    declared_at: datetime,
    customs_office: str,
    lines: Sequence[DeclaredLine],
) -> tuple[Declaration, bool]:
    """The declaration recorded and drawn down (``True``), or the same one recorded before (``False``)."""
    organization = destination_customs_require(actor=actor, certificate=certificate)
    identity = {
        "customs_organization": organization,
        "customs_office": customs_office,
        "declaration_number": declaration_number,
    }
    try:
        with transaction.atomic():
            return _record(certificate, actor, identity, declared_at, lines)
    except IntegrityError:
        existing = _recorded(certificate, identity)
        if existing is None:
            raise
        return _replayed(existing, lines), False


def destination_customs_require(*, actor: User, certificate: Certificate) -> Organization:
    """Only customs of the certificate's ``country_of_destination`` record its use."""
    organization = actor.organization
    destination = str(certificate.document.get("country_of_destination", ""))
    if not roles.is_customs(actor) or organization is None or organization.kind != Organization.Kind.CUSTOMS:
        raise DeclarationError("not_customs", _("Only customs users can do this."), status_code=403)
    if str(organization.country) != destination:
        raise DeclarationError(
            "not_destination_customs",
            _("Only customs of the country of destination (%(country)s) record declarations.")
            % {"country": destination},
            status_code=403,
        )
    return organization


def _record(
    certificate: Certificate,
    actor: User,
    identity: dict[str, object],
    declared_at: datetime,
    lines: Sequence[DeclaredLine],
) -> tuple[Declaration, bool]:
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    existing = _recorded(locked, identity)
    if existing is not None:
        return _replayed(existing, lines), False
    _valid_require(locked, declared_at)
    usages = _usages_locked(locked)
    _match_require(lines, usages)
    declaration = Declaration.objects.create(
        certificate=locked, recorded_by=actor, declared_at=declared_at, **identity
    )
    _draw_down(declaration, lines, usages)
    exhausted = _exhaustion_note(locked, usages)
    _announce_declaration(locked, declaration, actor=actor)
    status = certificate_usage_status(certificate=locked)
    declaration_recorded_emit(locked, declaration, status=status, exhausted=exhausted)
    return declaration, True


def _recorded(certificate: Certificate, identity: dict[str, object]) -> Declaration | None:
    recorded = Declaration.objects.filter(certificate=certificate, status=Declaration.Status.RECORDED)
    return recorded.filter(**identity).first()


def _replayed(existing: Declaration, lines: Sequence[DeclaredLine]) -> Declaration:
    if not same_lines(declared_lines(existing), lines):
        raise DeclarationError(
            "declaration_conflict",
            _("This declaration was recorded before with other lines."),
        )
    return existing


def declared_lines(declaration: Declaration) -> list[DeclaredLine]:
    return [
        DeclaredLine(line.item_line, line.hs_code, line.quantity, line.unit)
        for line in declaration.lines.order_by("position")
    ]


def _valid_require(certificate: Certificate, declared_at: datetime) -> None:
    entry = registry_entry_from_certificate(certificate)
    for moment in (declared_at, timezone.now()):
        for check in (certificate_status_at, certificate_validity_at):
            found, detail = check(certificate=entry, moment=moment)
            if found not in USABLE:
                raise DeclarationError(
                    "certificate_not_valid",
                    _("The certificate is not valid at %(time)s: %(detail)s")
                    % {"time": rfc3339(moment), "detail": detail or found},
                    certificate_status=found,
                )


def _usages_locked(certificate: Certificate) -> dict[int, ItemUsage]:
    """The certificate's usage rows, created from its signed items at first use, locked in line order."""
    ItemUsage.objects.bulk_create(
        [
            ItemUsage(
                certificate=certificate,
                item_line=int(item["line"]),
                hs_code=str(item["hs_code"]),
                unit=str(item["unit"]),
                quantity=Decimal(str(item["quantity"])),
            )
            for item in certificate.document.get("items", [])
        ],
        ignore_conflicts=True,
    )
    locked = ItemUsage.objects.select_for_update().filter(certificate=certificate).order_by("item_line")
    return {usage.item_line: usage for usage in locked}


def _match_require(lines: Sequence[DeclaredLine], usages: dict[int, ItemUsage]) -> None:
    errors = line_mismatches(lines=lines, usages=usages)
    if errors:
        raise DeclarationError(
            "declaration_mismatch",
            _("Some lines do not match the certificate; nothing was recorded."),
            errors=errors,
        )


def _draw_down(declaration: Declaration, lines: Sequence[DeclaredLine], usages: dict[int, ItemUsage]) -> None:
    rows = []
    for position, line in enumerate(lines):
        usage = usages[line.item_line]
        usage.used += line.quantity
        rows.append(_line_row(declaration, position, line, remaining=usage.remaining))
    ItemUsage.objects.bulk_update([usages[line.item_line] for line in lines], ["used"])
    DeclarationLine.objects.bulk_create(rows)


def _exhaustion_note(certificate: Certificate, usages: dict[int, ItemUsage]) -> bool:
    """Mark the certificate exhausted when nothing remains on any item, unmark it when something does;
    ``True`` when it has just become exhausted."""
    drawn_out = all(usage.remaining <= 0 for usage in usages.values())
    if drawn_out == (certificate.exhausted_at is not None):
        return False
    certificate.exhausted_at = timezone.now() if drawn_out else None
    certificate.save(update_fields=["exhausted_at"])
    return drawn_out


def _line_row(
    declaration: Declaration, position: int, line: DeclaredLine, *, remaining: Decimal
) -> DeclarationLine:
    return DeclarationLine(
        declaration=declaration,
        position=position,
        item_line=line.item_line,
        hs_code=line.hs_code,
        quantity=line.quantity,
        unit=line.unit,
        remaining=remaining,
    )


def _announce_declaration(certificate: Certificate, declaration: Declaration, *, actor: User) -> None:
    certificate_event_record(
        certificate,
        actor=actor,
        action="declaration",
        from_status="",
        to_status="",
        reason=f"{declaration.customs_office} {declaration.declaration_number}",
    )
    certificate_log_event_append(
        {
            "event": "declaration",
            "number": certificate.number,
            "declaration_number": declaration.declaration_number,
            "customs_office": declaration.customs_office,
            "lines": [_logged_line(line) for line in declared_lines(declaration)],
            "at": rfc3339(declaration.recorded_at),
        }
    )


def _logged_line(line: DeclaredLine) -> dict[str, object]:
    return {
        "item_line": line.item_line,
        "hs_code": line.hs_code,
        "quantity": quantity_text(line.quantity),
        "unit": line.unit,
    }


def certificate_usage_status(*, certificate: Certificate) -> str:
    """``exhausted`` once declarations drew every item to nothing, else ``valid``."""
    return EXHAUSTED if certificate.exhausted_at is not None else VALID


def declaration_annul(*, declaration: Declaration, actor: User, reason: str) -> Declaration:
    """Recorded → annulled by its customs organization (or an administrator); the quantities go back."""
    _annuller_require(actor, declaration)
    reason = (reason or "").strip()
    if not reason:
        raise DeclarationError("reason_required", _("A reason is required."), status_code=400)
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=declaration.certificate_id)
        locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
        if locked.status != Declaration.Status.RECORDED:
            raise DeclarationError("already_annulled", _("The declaration is already annulled."))
        usages = _usages_locked(certificate)
        _give_back(locked, usages)
        _exhaustion_note(certificate, usages)
        locked.status, locked.annulled_at, locked.annul_reason = (
            Declaration.Status.ANNULLED,
            timezone.now(),
            reason,
        )
        locked.save(update_fields=["status", "annulled_at", "annul_reason"])
        _announce_annulment(certificate, locked, actor=actor)
    return locked


def _annuller_require(actor: User, declaration: Declaration) -> None:
    recording = roles.is_customs(actor) and actor.organization_id == declaration.customs_organization_id
    if not (recording or roles.is_administrator(actor)):
        raise DeclarationError(
            "not_recording_customs",
            _("Only the customs organization that recorded a declaration annuls it."),
            status_code=403,
        )


def _give_back(declaration: Declaration, usages: dict[int, ItemUsage]) -> None:
    lines = list(declaration.lines.all())
    for line in lines:
        usages[line.item_line].used -= line.quantity
    ItemUsage.objects.bulk_update([usages[line.item_line] for line in lines], ["used"])


def _announce_annulment(certificate: Certificate, declaration: Declaration, *, actor: User) -> None:
    certificate_event_record(
        certificate,
        actor=actor,
        action="declaration_annulled",
        from_status="",
        to_status="",
        reason=f"{declaration.customs_office} {declaration.declaration_number}: {declaration.annul_reason}",
    )
    certificate_log_event_append(
        {
            "event": "declaration_annulled",
            "number": certificate.number,
            "declaration_number": declaration.declaration_number,
            "customs_office": declaration.customs_office,
            "reason": declaration.annul_reason,
            "at": rfc3339(declaration.annulled_at or timezone.now()),
        }
    )
