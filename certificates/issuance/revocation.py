"""The end of a certificate's validity: revoked by an officer, or superseded by its replacement."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.accounts.models import User
from certificates.issuance.errors import CertificateError, IssuanceFailure
from certificates.issuance.history import (
    certificate_body_country,
    certificate_decider_require,
    certificate_event_record,
    certificate_log_event_append,
    certificate_status_change_emit,
)
from certificates.issuance.models import Certificate
from signing.times import rfc3339

Status = Certificate.Status


def certificate_revoke(*, certificate: Certificate, actor: User, reason: str) -> Certificate:
    """Issued → revoked, with a reason; logged in the transparency log and notified. 409 otherwise."""
    certificate_decider_require(actor, country=certificate_body_country(certificate))
    reason = _required_reason(reason)
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status != Status.ISSUED:
            raise CertificateError(
                "invalid_transition",
                _("The certificate is %(status)s; it cannot be revoked.") % {"status": locked.status},
            )
        revoked_at = timezone.now()
        locked.status, locked.revoked_at, locked.revocation_reason = Status.REVOKED, revoked_at, reason
        locked.save(update_fields=["status", "revoked_at", "revocation_reason"])
        _announce_revocation(locked, actor=actor, reason=reason, revoked_at=rfc3339(revoked_at))
    return locked


def certificate_supersede(*, old_id: int, new: Certificate) -> None:
    """Issued → superseded by ``new``, inside the transaction that issues ``new``."""
    old = Certificate.objects.select_for_update().get(pk=old_id)
    if old.status != Status.ISSUED:
        raise IssuanceFailure(
            "replaced_not_issued",
            _("Certificate %(number)s is %(status)s and cannot be replaced.")
            % {"number": old.number, "status": old.status},
        )
    old.status, old.superseded_by = Status.SUPERSEDED, new
    old.save(update_fields=["status", "superseded_by"])
    _announce_supersession(old, new=new)


def _required_reason(reason: str) -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise CertificateError("reason_required", _("A reason is required."), status_code=400)
    return cleaned


def _announce_revocation(certificate: Certificate, *, actor: User, reason: str, revoked_at: str) -> None:
    certificate_event_record(
        certificate,
        actor=actor,
        action="revoked",
        from_status=Status.ISSUED,
        to_status=Status.REVOKED,
        reason=reason,
    )
    certificate_log_event_append(
        {"event": "revocation", "number": certificate.number, "revoked_at": revoked_at, "reason": reason}
    )
    certificate_status_change_emit(
        certificate, "certificate.revoked", {"reason": reason, "revoked_at": revoked_at}
    )


def _announce_supersession(old: Certificate, *, new: Certificate) -> None:
    certificate_event_record(
        old,
        actor=None,
        action="superseded",
        from_status=Status.ISSUED,
        to_status=Status.SUPERSEDED,
        reason=new.number,
    )
    certificate_log_event_append(
        {
            "event": "supersession",
            "number": old.number,
            "superseded_at": new.document["issued_at"],
            "superseded_by": new.number,
        }
    )
    certificate_status_change_emit(old, "certificate.superseded", {"superseded_by": new.number})
