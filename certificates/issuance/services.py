"""From an approved application to a signed certificate: the signing order and the pipeline.

``certificate_issue`` is the signing pipeline of DESIGN.md: in one transaction it
allocates the number, builds the document, canonicalizes it (RFC 8785), signs it
with the active key, appends the JWS to the transparency log and marks the
application issued. A crash anywhere rolls all of it back, so a re-run finds the
order still pending; a re-run after success finds it done and changes nothing.

The room's other services live beside it (``revocation``, ``replacement``, ``printing``);
they are named here too, so callers have one place to import the room's services from.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import outbox, roles
from certificates.accounts.bodies import issuing_body_of
from certificates.accounts.models import Organization, User
from certificates.applications.models import Application
from certificates.applications.services import application_mark_issued
from certificates.issuance.document import certificate_document_build
from certificates.issuance.errors import CertificateError, IssuanceFailure
from certificates.issuance.history import (
    CERTIFICATE_STREAM,
    certificate_decider_require,
    certificate_event_record,
)
from certificates.issuance.models import Certificate, IssuanceOrder
from certificates.issuance.numbering import certificate_number_allocate
from certificates.issuance.printing import (
    certificate_pdf_stamped,
    certificate_pdf_store,
    certificate_public_url,
    pdf_rendering_yield_to_signing,
)
from certificates.issuance.replacement import certificate_replace
from certificates.issuance.revocation import certificate_revoke, certificate_supersede
from certificates.issuance.signals import certificate_issued
from certificates.notifications.services import event_emit
from signing.canonical import canonicalize
from signing.errors import KeyUnavailable, NoActiveKey
from signing.models import SigningKey
from signing.services import jws_sign
from signing.transparency.services import log_append

__all__ = [
    "CERTIFICATE_STREAM",
    "CertificateError",
    "IssuanceFailure",
    "IssueResult",
    "certificate_issue",
    "certificate_pdf_stamped",
    "certificate_pdf_store",
    "certificate_public_url",
    "certificate_replace",
    "certificate_revoke",
    "issuance_order_open",
    "issuance_order_queue",
    "issuance_order_retry",
    "issuance_orders_due",
    "issuance_orders_requeue",
    "pdf_rendering_yield_to_signing",
]

logger = logging.getLogger(__name__)

CERTIFICATE_TYP = "certsvc-certificate+jws"
APPROVALS = "approvals_prefetched"
State = IssuanceOrder.State


@dataclass(frozen=True)
class IssueResult:
    certificate: Certificate | None
    created: bool


# --- the signing order (an outbox row) ----------------------------------------------------


def issuance_order_open(*, application: Application) -> IssuanceOrder:
    """The signing order of a just-approved application, in the approving transaction; sent on commit."""
    order = IssuanceOrder.objects.create(application=application, state=State.PENDING)
    transaction.on_commit(lambda: issuance_order_queue(order_id=order.pk))
    return order


def issuance_order_queue(*, order_id: int) -> bool:
    """Send the order to a signing worker and note when: the sweep tells a lost message from a fresh one."""
    if not outbox.publish(outbox.SIGN_CERTIFICATE, order_id):
        return False
    IssuanceOrder.objects.filter(pk=order_id, state=State.PENDING).update(queued_at=timezone.now())
    return True


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


def issuance_orders_requeue() -> int:
    """Queue again every order that is due (broker outage, crash); how many were due."""
    order_ids = issuance_orders_due()
    for order_id in order_ids:
        issuance_order_queue(order_id=order_id)
    if order_ids:
        logger.info("issuance sweep re-queued %d order(s)", len(order_ids))
    return len(order_ids)


def issuance_order_retry(*, order: IssuanceOrder, actor: User) -> IssuanceOrder:
    """A failed order becomes pending again (after an officer or admin fixed its cause) and is queued."""
    certificate_decider_require(actor, country=str(order.application.exporter.country))
    with transaction.atomic():
        locked = IssuanceOrder.objects.select_for_update().get(pk=order.pk)
        if locked.state != State.FAILED:
            raise CertificateError("not_failed", _("Only a failed issuance can be retried."))
        locked.state, locked.queued_at = State.PENDING, None
        locked.save(update_fields=["state", "queued_at", "updated_at"])
        transaction.on_commit(lambda: issuance_order_queue(order_id=locked.pk))
    logger.info("issuance order %s retried by %s", order.pk, getattr(actor, "pk", None))
    return locked


# --- issuing -----------------------------------------------------------------------------


def certificate_issue(*, order_id: int, counted: bool = False) -> IssueResult:
    """Issue the certificate an ``IssuanceOrder`` asks for, exactly once.

    Safe to run any number of times and concurrently: the order row is locked and
    a done order is a logged no-op. Transient errors (database, broker) propagate
    for the caller to retry; ``IssuanceFailure``, ``NoActiveKey`` and
    ``KeyUnavailable`` are stored on the order (``error_code``, ``error``) and
    re-raised no further. Each run counts towards ``ISSUANCE_MAX_ATTEMPTS``, unless the caller
    has ``counted`` it already.
    """
    if not counted:
        IssuanceOrder.objects.filter(pk=order_id, state=State.PENDING).update(attempts=F("attempts") + 1)
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


def _issue_locked(order_id: int) -> IssueResult:
    order = IssuanceOrder.objects.select_for_update().get(pk=order_id)
    if order.state == State.DONE:
        logger.info("issuance order %s already done; nothing to do", order_id)
        done = Certificate.objects.filter(application_id=order.application_id).first()
        return IssueResult(certificate=done, created=False)
    application = _approved_application(order)
    _slow_down_for_tests()
    certificate = _create_certificate(application)
    application_mark_issued(application=application)
    if application.replaces_id:
        certificate_supersede(old_id=application.replaces_id, new=certificate)
    order.state, order.error_code, order.error = State.DONE, "", ""
    order.save(update_fields=["state", "error_code", "error", "updated_at"])
    _announce_issued(certificate)
    logger.info("certificate %s issued for application %s", certificate.number, application.pk)
    return IssueResult(certificate=certificate, created=True)


def _approved_application(order: IssuanceOrder) -> Application:
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("exporter", "replaces")
        .get(pk=order.application_id)
    )
    if application.status != Application.Status.APPROVED:
        raise IssuanceFailure(
            "not_approved", _("The application is %(status)s, not approved.") % {"status": application.status}
        )
    return application


def _create_certificate(application: Application) -> Certificate:
    certificate = Certificate.objects.create(application=application, **_numbered_document(application))
    certificate.status_list_index = certificate.pk  # its bit in the credentials' status list (§12)
    _sign(certificate)
    certificate_event_record(
        certificate, actor=None, action="issued", from_status="", to_status=Certificate.Status.ISSUED
    )
    return certificate


def _numbered_document(application: Application) -> dict[str, object]:
    """The number and the document of a new certificate, and the fields that repeat them."""
    issued_at = timezone.now().replace(microsecond=0)
    issuer = _issuer_for(application)
    sequence, number = certificate_number_allocate(issuer=issuer, year=issued_at.year, type=application.type)
    return _document_fields(application, issuer=issuer, issued_at=issued_at, sequence=sequence, number=number)


def _document_fields(
    application: Application, *, issuer: Organization, issued_at: datetime, sequence: int, number: str
) -> dict[str, object]:
    """The document of a certificate numbered ``number`` and the fields that repeat it."""
    valid_from = issued_at.date()
    valid_until = valid_from + timedelta(days=settings.CERTIFICATE_VALIDITY_DAYS)
    document = certificate_document_build(
        application=application,
        issuer=issuer,
        number=number,
        issued_at=issued_at,
        valid_from=valid_from,
        valid_until=valid_until,
        replaces=application.replaces.number if application.replaces else None,
    )
    return {
        "issuer": issuer,
        "number": number,
        "type": application.type,
        "year": issued_at.year,
        "sequence": sequence,
        "document": document,
        "canonical": canonicalize(document),
        "jws": "",
        "jws_sha256": "",
        "kid": "",
        "issued_at": issued_at,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "replaces_id": application.replaces_id,
    }


def _sign(certificate: Certificate) -> None:
    """Sign the canonical document with its body's active key; append the JWS to the transparency log."""
    _sign_document(certificate)
    certificate.log_index = log_append(entry=certificate.jws.encode("ascii")).index
    certificate.save(update_fields=["jws", "kid", "jws_sha256", "log_index", "status_list_index"])


def _sign_document(certificate: Certificate, key: SigningKey | None = None) -> None:
    """The JWS of the canonical document, with ``key`` or its body's active key (a batch reads each
    body's key once)."""
    country = str(certificate.document["issuer"]["country"])
    signed = jws_sign(
        payload=bytes(certificate.canonical), typ=CERTIFICATE_TYP, key=key, issuer_country=country
    )
    certificate.jws, certificate.kid = signed.compact, signed.kid
    certificate.jws_sha256 = hashlib.sha256(signed.compact.encode("ascii")).hexdigest()


def _issuer_for(application: Application) -> Organization:
    """The issuing body of the exporter's country (the approving officer's, who must belong to it)."""
    country = str(application.exporter.country)
    approvals = getattr(application, APPROVALS, None)  # prefetched by a signing batch
    if approvals is None:
        approvals = list(application.events.filter(action="approved").select_related("actor__organization"))
    approver = approvals[-1].actor if approvals else None
    if approver is not None and approver.organization and roles.is_officer_of_issuing_body(approver, country):
        body: Organization = approver.organization
        return body
    issuer = issuing_body_of(country)
    if issuer is None:
        raise IssuanceFailure(
            "no_issuer", _("No issuing body of %(country)s is configured.") % {"country": country}
        )
    return issuer


def _announce_issued(certificate: Certificate) -> None:
    """Notify the exporter now; render the PDF and tell the rooms above once the issue has committed."""
    event_emit(
        type="certificate.issued",
        data=_issued_event_data(certificate),
        organizations=[certificate.application.exporter],
    )
    outbox.publish_on_commit(outbox.RENDER_CERTIFICATE_PDF, certificate.pk)
    transaction.on_commit(lambda: certificate_issued.send(sender=Certificate, number=certificate.number))


def _issued_event_data(certificate: Certificate) -> dict[str, object]:
    return {
        "number": certificate.number,
        "application_id": certificate.application_id,
        "issued_at": certificate.document["issued_at"],
    }


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
