"""From an approved application to a signed certificate, and what follows an issued one.

``certificate_issue`` is the signing pipeline of DESIGN.md: in one transaction it
allocates the number, builds the document, canonicalizes it (RFC 8785), signs it
with the active key, appends the JWS to the transparency log and marks the
application issued. A crash anywhere rolls all of it back, so a re-run finds the
order still pending; a re-run after success finds it done and changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.accounts.models import Organization, User
from certificates.applications.models import Application
from certificates.applications.services import (
    APPLICATION_FIELDS,
    APPLICATION_STREAM,
    ITEM_FIELDS,
    application_items_replace,
    application_mark_issued,
)
from certificates.audit import Stream, audit_record
from certificates.issuance.models import Certificate, CertificateEvent, IssuanceOrder
from certificates.issuance.numbering import certificate_number_allocate
from certificates.issuance.signals import certificate_issued
from certificates.notifications.services import event_emit
from certsvc.problems import ProblemError
from signing.canonical import canonicalize
from signing.errors import KeyUnavailable, NoActiveKey
from signing.services import jws_sign
from signing.transparency.services import log_append

logger = logging.getLogger(__name__)

DOCUMENT_SCHEMA = "certsvc.certificate.v1"
CERTIFICATE_TYP = "certsvc-certificate+jws"
LOG_EVENT_TYP = "certsvc-log-event+jws"
State = IssuanceOrder.State
CERTIFICATE_STREAM = Stream(CertificateEvent, "certificate")


class IssuanceFailure(ProblemError):
    """Issuance cannot succeed by retrying alone; stored on the order for officers to see."""


@dataclass(frozen=True)
class IssueResult:
    certificate: Certificate | None
    created: bool


# --- the document (CONTRACT §1) ----------------------------------------------------------


def _decimal(value: Decimal, places: int) -> str:
    return str(Decimal(value).quantize(Decimal(1).scaleb(-places)))


def _party(*, name: str, country: Any, address: str, tax_id: str) -> dict[str, str]:
    return {"name": name, "country": str(country), "address": address, "tax_id": tax_id}


def certificate_document_build(
    *,
    application: Application,
    issuer: Organization,
    number: str,
    issued_at: datetime,
    valid_from,
    valid_until,
    replaces: str | None,
) -> dict[str, Any]:
    """The certificate document of CONTRACT §1; decimals as fixed-precision strings."""
    exporter = application.exporter
    return {
        "schema": DOCUMENT_SCHEMA,
        "number": number,
        "type": application.type,
        "issued_at": issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "valid_from": valid_from.isoformat(),
        "valid_until": valid_until.isoformat(),
        "issuer": {"name": issuer.name, "country": str(issuer.country)},
        "exporter": _party(
            name=exporter.name, country=exporter.country, address=exporter.address, tax_id=exporter.tax_id
        ),
        "consignee": _party(
            name=application.consignee_name,
            country=application.consignee_country,
            address=application.consignee_address,
            tax_id=application.consignee_tax_id,
        ),
        "country_of_export": str(application.country_of_export),
        "country_of_destination": str(application.country_of_destination),
        "transport": {"mode": application.transport_mode, "details": application.transport_details},
        "invoice": {"number": application.invoice_number, "date": application.invoice_date.isoformat()},
        "items": [_item(item) for item in application.items.order_by("line")],
        "replaces": replaces,
    }


def _item(item) -> dict[str, Any]:
    return {
        "line": item.line,
        "description": item.description,
        "hs_code": item.hs_code,
        "quantity": _decimal(item.quantity, 3),
        "unit": item.unit,
        "net_weight_kg": _decimal(item.net_weight_kg, 3),
        "gross_weight_kg": _decimal(item.gross_weight_kg, 3),
        "value": _decimal(item.value, 2),
        "currency": item.currency,
        "origin_country": str(item.origin_country),
    }


def _issuer_for(application: Application) -> Organization:
    approval = application.events.filter(action="approved").select_related("actor__organization").last()
    organization = approval.actor.organization if approval and approval.actor else None
    if organization is not None and organization.kind == Organization.Kind.ISSUER:
        return organization
    issuer = Organization.objects.filter(kind=Organization.Kind.ISSUER).order_by("id").first()
    if issuer is None:
        raise IssuanceFailure("no_issuer", _("No issuer organization is configured."))
    return issuer


# --- issuing -----------------------------------------------------------------------------


def certificate_issue(*, order_id: int) -> IssueResult:
    """Issue the certificate an ``IssuanceOrder`` asks for, exactly once.

    Safe to run any number of times and concurrently: the order row is locked and
    a done order is a logged no-op. Transient errors (database, broker) propagate
    for the caller to retry; ``IssuanceFailure``, ``NoActiveKey`` and
    ``KeyUnavailable`` are stored on the order (``error_code``, ``error``) and
    re-raised no further.
    """
    IssuanceOrder.objects.filter(pk=order_id, state=State.PENDING).update(attempts=_plus_one())
    try:
        with transaction.atomic():
            return _issue_locked(order_id)
    except (IssuanceFailure, NoActiveKey, KeyUnavailable) as exc:
        _fail(order_id, code=exc.code, error=exc.detail)
        return IssueResult(certificate=None, created=False)
    except (OperationalError, InterfaceError):
        raise
    except Exception as exc:
        _note_unexpected(order_id, exc)
        raise


def _plus_one():
    return F("attempts") + 1


def _issue_locked(order_id: int) -> IssueResult:
    order = IssuanceOrder.objects.select_for_update().get(pk=order_id)
    if order.state == State.DONE:
        logger.info("issuance order %s already done; nothing to do", order_id)
        return IssueResult(
            certificate=Certificate.objects.filter(application_id=order.application_id).first(), created=False
        )
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("exporter", "replaces")
        .get(pk=order.application_id)
    )
    if application.status != Application.Status.APPROVED:
        raise IssuanceFailure(
            "not_approved", _("The application is %(status)s, not approved.") % {"status": application.status}
        )
    _slow_down_for_tests()
    certificate = _create_certificate(application)
    application_mark_issued(application=application)
    if application.replaces_id:
        _supersede(old_id=application.replaces_id, new=certificate)
    order.state, order.error_code, order.error = State.DONE, "", ""
    order.save(update_fields=["state", "error_code", "error", "updated_at"])
    _emit_issued(certificate)
    transaction.on_commit(lambda: _queue_pdf(certificate.pk))
    transaction.on_commit(lambda: certificate_issued.send(sender=Certificate, number=certificate.number))
    logger.info("certificate %s issued for application %s", certificate.number, application.pk)
    return IssueResult(certificate=certificate, created=True)


def _create_certificate(application: Application) -> Certificate:
    issued_at = timezone.now().replace(microsecond=0)
    valid_from = issued_at.date()
    valid_until = valid_from + timedelta(days=settings.CERTIFICATE_VALIDITY_DAYS)
    sequence, number = certificate_number_allocate(year=issued_at.year, type=application.type)
    document = certificate_document_build(
        application=application,
        issuer=_issuer_for(application),
        number=number,
        issued_at=issued_at,
        valid_from=valid_from,
        valid_until=valid_until,
        replaces=application.replaces.number if application.replaces_id else None,
    )
    canonical = canonicalize(document)
    certificate = Certificate.objects.create(
        application=application,
        number=number,
        type=application.type,
        year=issued_at.year,
        sequence=sequence,
        document=document,
        canonical=canonical,
        jws="",
        jws_sha256="",
        kid="",
        issued_at=issued_at,
        valid_from=valid_from,
        valid_until=valid_until,
        replaces_id=application.replaces_id,
    )
    signed = jws_sign(payload=canonical, typ=CERTIFICATE_TYP)
    certificate.jws, certificate.kid = signed.compact, signed.kid
    certificate.jws_sha256 = hashlib.sha256(signed.compact.encode("ascii")).hexdigest()
    certificate.log_index = log_append(entry=signed.compact.encode("ascii")).index
    certificate.save(update_fields=["jws", "kid", "jws_sha256", "log_index"])
    _record(certificate, actor=None, action="issued", from_status="", to_status=Certificate.Status.ISSUED)
    return certificate


def _note_unexpected(order_id: int, exc: Exception) -> None:
    """Keep the error on the order for officers; after too many attempts stop retrying it."""
    logger.exception("issuance order %s raised unexpectedly", order_id)
    error = f"{type(exc).__name__}: {exc}"[:2000]
    IssuanceOrder.objects.filter(pk=order_id, state=State.PENDING).update(
        error_code="internal_error", error=error, updated_at=timezone.now()
    )
    IssuanceOrder.objects.filter(
        pk=order_id, state=State.PENDING, attempts__gte=settings.ISSUANCE_MAX_ATTEMPTS
    ).update(state=State.FAILED)


def _fail(order_id: int, *, code: str, error: str) -> None:
    logger.warning("issuance order %s failed: %s", order_id, code)
    IssuanceOrder.objects.filter(pk=order_id, state=State.PENDING).update(
        state=State.FAILED, error_code=code, error=error[:2000], updated_at=timezone.now()
    )


def _slow_down_for_tests() -> None:
    delay = settings.ISSUANCE_TEST_DELAY_SECONDS
    if delay:
        time.sleep(delay)


def _record(
    certificate: Certificate,
    *,
    actor: User | None,
    action: str,
    from_status: str,
    to_status: str,
    reason: str = "",
) -> CertificateEvent:
    return audit_record(
        stream=CERTIFICATE_STREAM,
        owner=certificate,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )


def _emit_issued(certificate: Certificate) -> None:
    event_emit(
        type="certificate.issued",
        data={
            "number": certificate.number,
            "application_id": certificate.application_id,
            "issued_at": certificate.document["issued_at"],
        },
        organizations=[certificate.application.exporter],
    )


def certificate_pdf_store(*, certificate: Certificate) -> Certificate:
    """Render the printable PDF once and keep it; concurrent callers keep the first file stored.

    Rendering takes a fraction of a second and happens without any lock, so it never
    holds up a revocation; only the final save locks the row.
    """
    from django.core.files.base import ContentFile

    from certificates.issuance.pdf import render_certificate_pdf

    if certificate.pdf:
        return certificate
    content = render_certificate_pdf(
        document=certificate.document, verify_url=certificate_public_url(certificate)
    )
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if not locked.pdf:
            locked.pdf.save(f"{locked.number}.pdf", ContentFile(content), save=False)
            locked.save(update_fields=["pdf"])
    return locked


def certificate_public_url(certificate: Certificate) -> str:
    return f"{settings.PUBLIC_BASE_URL}/v/{certificate.number}"


def _queue_pdf(certificate_id: int) -> None:
    from certificates.issuance import tasks

    tasks.publish_safely(tasks.render_certificate_pdf, certificate_id)


# --- revocation and replacement --------------------------------------------------------


class CertificateError(ProblemError):
    """A certificate rule was broken; ``code`` names which one."""


def _require_officer(actor: User) -> None:
    if not (actor.is_officer or actor.is_superuser):
        raise CertificateError("not_officer", _("Only certification officers can do this."), status_code=403)


def _locked_certificate(certificate: Certificate) -> Certificate:
    return Certificate.objects.select_for_update().get(pk=certificate.pk)


def _log_event(body: dict[str, Any]) -> int:
    signed = jws_sign(payload=canonicalize(body), typ=LOG_EVENT_TYP)
    return log_append(entry=signed.compact.encode("ascii")).index


def certificate_revoke(*, certificate: Certificate, actor: User, reason: str) -> Certificate:
    """Issued → revoked, with a reason; logged in the transparency log and notified. 409 otherwise."""
    _require_officer(actor)
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError("reason_required", _("A reason is required."), status_code=400)
    with transaction.atomic():
        locked = _locked_certificate(certificate)
        if locked.status != Certificate.Status.ISSUED:
            raise CertificateError(
                "invalid_transition",
                _("The certificate is %(status)s; it cannot be revoked.") % {"status": locked.status},
            )
        locked.status, locked.revoked_at, locked.revocation_reason = (
            Certificate.Status.REVOKED,
            timezone.now(),
            reason,
        )
        locked.save(update_fields=["status", "revoked_at", "revocation_reason"])
        _record(
            locked,
            actor=actor,
            action="revoked",
            from_status=Certificate.Status.ISSUED,
            to_status=Certificate.Status.REVOKED,
            reason=reason,
        )
        _log_event(
            {
                "event": "revocation",
                "number": locked.number,
                "revoked_at": _rfc3339(locked.revoked_at),
                "reason": reason,
            }
        )
        _emit_status_change(
            locked, "certificate.revoked", {"reason": reason, "revoked_at": _rfc3339(locked.revoked_at)}
        )
    return locked


def _supersede(*, old_id: int, new: Certificate) -> None:
    old = Certificate.objects.select_for_update().get(pk=old_id)
    if old.status != Certificate.Status.ISSUED:
        raise IssuanceFailure(
            "replaced_not_issued",
            _("Certificate %(number)s is %(status)s and cannot be replaced.")
            % {"number": old.number, "status": old.status},
        )
    old.status, old.superseded_by = Certificate.Status.SUPERSEDED, new
    old.save(update_fields=["status", "superseded_by"])
    _record(
        old,
        actor=None,
        action="superseded",
        from_status=Certificate.Status.ISSUED,
        to_status=Certificate.Status.SUPERSEDED,
        reason=new.number,
    )
    _log_event(
        {
            "event": "supersession",
            "number": old.number,
            "superseded_at": new.document["issued_at"],
            "superseded_by": new.number,
        }
    )
    _emit_status_change(old, "certificate.superseded", {"superseded_by": new.number})


def _emit_status_change(certificate: Certificate, event_type: str, extra: dict[str, Any]) -> None:
    event_emit(
        type=event_type,
        data={"number": certificate.number, **extra},
        organizations=[certificate.application.exporter],
        subscribers_of_kind=Organization.Kind.CUSTOMS,
    )


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def certificate_replace(
    *, certificate: Certificate, actor: User, fields: dict[str, Any], items: list[dict[str, Any]] | None
) -> Application:
    """An officer's correction: a copy of the certificate's application with ``fields``/``items`` changed.

    The copy is approved at once (the officer is the reviewer) and its issuance queued;
    when it is issued the old certificate becomes ``superseded``.
    """
    _require_officer(actor)
    if "replaces" in fields:
        raise CertificateError(
            "invalid_field", _("The certificate to replace is the one in the address."), status_code=400
        )
    with transaction.atomic():
        locked = _locked_certificate(certificate)
        if locked.status != Certificate.Status.ISSUED:
            raise CertificateError(
                "invalid_transition",
                _("The certificate is %(status)s; it cannot be replaced.") % {"status": locked.status},
            )
        pending = locked.replacement_applications.exclude(
            status__in=[Application.Status.REJECTED, Application.Status.WITHDRAWN]
        )
        if pending.exists():
            raise CertificateError(
                "replacement_pending",
                _("A replacement of this certificate is already under way."),
            )
        original = locked.application
        copied = {name: getattr(original, name) for name in APPLICATION_FIELDS - {"replaces"}}
        replacement = Application.objects.create(
            exporter_id=original.exporter_id,
            created_by=actor,
            status=Application.Status.APPROVED,
            replaces=locked,
            **{**copied, **fields},
        )
        application_items_replace(
            application=replacement,
            items=items
            if items is not None
            else [
                {name: getattr(item, name) for name in ITEM_FIELDS}
                for item in original.items.order_by("line")
            ],
        )
        for action, from_status, to_status in (
            ("created", "", Application.Status.SUBMITTED),
            ("approved", Application.Status.SUBMITTED, Application.Status.APPROVED),
        ):
            audit_record(
                stream=APPLICATION_STREAM,
                owner=replacement,
                actor=actor,
                action=action,
                from_status=from_status,
                to_status=to_status,
                reason=_("Replaces %(number)s") % {"number": locked.number},
            )
        order = IssuanceOrder.objects.create(application=replacement)
        transaction.on_commit(lambda: _enqueue(order.pk))
    return replacement


# --- the outbox sweep --------------------------------------------------------------------


def issuance_orders_due(*, now: datetime | None = None) -> list[int]:
    """Pending orders never queued, or queued so long ago that their message may be lost."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.ISSUANCE_STALE_SECONDS)
    return list(
        IssuanceOrder.objects.filter(state=State.PENDING)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=stale))
        .order_by("id")
        .values_list("id", flat=True)[: settings.ISSUANCE_SWEEP_BATCH]
    )


def issuance_order_retry(*, order: IssuanceOrder, actor: User) -> IssuanceOrder:
    """A failed order becomes pending again (after an officer or admin fixed its cause) and is queued."""
    _require_officer(actor)
    with transaction.atomic():
        locked = IssuanceOrder.objects.select_for_update().get(pk=order.pk)
        if locked.state != State.FAILED:
            raise CertificateError("not_failed", _("Only a failed issuance can be retried."))
        locked.state, locked.queued_at = State.PENDING, None
        locked.save(update_fields=["state", "queued_at", "updated_at"])
        transaction.on_commit(lambda: _enqueue(locked.pk))
    logger.info("issuance order %s retried by %s", order.pk, getattr(actor, "pk", None))
    return locked


def _enqueue(order_id: int) -> None:
    from certificates.issuance import tasks

    tasks.enqueue_issuance(order_id)
