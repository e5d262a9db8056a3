"""Asking, answering and overdue inquiries (CONTRACT §10).

Every change locks the certificate row first (its audit chain stays linear, as declarations
keep it), then the inquiry's: two officers answering at once queue, and the second finds it
answered. Each change writes its audit event into the certificate's chain in the same
transaction, and its notification rows with it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import roles
from certificates.accounts.models import Organization, User
from certificates.customs.inquiries.errors import InquiryError
from certificates.customs.inquiries.models import TEXT_MAX_LENGTH, Inquiry
from certificates.customs.inquiries.selectors import inquiry_officer_organizations
from certificates.issuance.history import certificate_event_record
from certificates.issuance.models import Certificate
from certificates.notifications.models import EventType
from certificates.notifications.services import event_emit
from signing.canonical import canonicalize
from signing.times import rfc3339

# Inquiries the overdue sweep turns in one run; the next run takes the rest.
OVERDUE_BATCH = 500


def inquiry_ask(*, certificate: Certificate, actor: User, question: str) -> Inquiry:
    """A new open inquiry of ``actor``'s customs organization, due ``INQUIRY_DUE_DAYS`` from now."""
    organization = _asker_require(actor, certificate)
    question = _text_require(question, _("A question is required."))
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        now = timezone.now()
        inquiry = Inquiry.objects.create(
            certificate=locked,
            issuer_country=_issuer_country(locked),
            customs_organization=organization,
            asked_by=actor,
            question=question,
            asked_at=now,
            due_at=now + timedelta(days=settings.INQUIRY_DUE_DAYS),
        )
        _audit(locked, inquiry, actor, "inquiry_asked", {"question": question})
    return inquiry


def _asker_require(actor: User, certificate: Certificate) -> Organization:
    """Customs of the certificate's country of export or of destination ask about it."""
    organization = actor.organization
    if not roles.is_customs(actor) or organization is None or organization.kind != Organization.Kind.CUSTOMS:
        raise InquiryError("not_customs", _("Only customs users can do this."), status_code=403)
    countries = {certificate.document.get(key) for key in ("country_of_export", "country_of_destination")}
    if str(organization.country) not in countries:
        raise InquiryError(
            "permission_denied",
            _("Only customs of the certificate's country of export or destination ask about it."),
            status_code=403,
        )
    return organization


def _text_require(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text or len(text) > TEXT_MAX_LENGTH:
        raise InquiryError("validation_error", message, status_code=400)
    return text


def _issuer_country(certificate: Certificate) -> str:
    issuer = certificate.document.get("issuer") or {}
    return str(issuer.get("country", ""))


def inquiry_answer(*, inquiry: Inquiry, actor: User, answer: str, confirmed: bool) -> Inquiry:
    """Open or overdue → answered, by an officer of the issuing body; a second answer is refused (409).

    The asking customs organization is told (``inquiry.answered``: webhook and e-mail).
    """
    if not roles.is_officer_of_issuing_body(actor, inquiry.issuer_country):
        raise InquiryError(
            "not_officer", _("Only officers of the issuing body answer inquiries."), status_code=403
        )
    answer = _text_require(answer, _("An answer is required."))
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=inquiry.certificate_id)
        locked = Inquiry.objects.select_for_update().select_related("certificate").get(pk=inquiry.pk)
        if locked.status == Inquiry.Status.ANSWERED:
            raise InquiryError("already_answered", _("The inquiry is already answered."))
        locked.status, locked.answer, locked.confirmed = Inquiry.Status.ANSWERED, answer, bool(confirmed)
        locked.answered_by, locked.answered_at = actor, timezone.now()
        locked.save(update_fields=["status", "answer", "confirmed", "answered_by", "answered_at"])
        _audit(
            certificate, locked, actor, "inquiry_answered", {"answer": answer, "confirmed": locked.confirmed}
        )
        _announce_answer(locked)
    return locked


def _announce_answer(inquiry: Inquiry) -> None:
    event_emit(
        type=EventType.INQUIRY_ANSWERED,
        data={
            "number": inquiry.certificate.number,
            "inquiry_id": inquiry.pk,
            "status": inquiry.status,
            "answer": inquiry.answer,
            "confirmed": inquiry.confirmed,
            "answered_at": rfc3339(inquiry.answered_at or timezone.now()),
        },
        organizations=[inquiry.customs_organization],
        roles=[User.Role.CUSTOMS],
    )


def inquiries_overdue_mark(*, now: datetime | None = None) -> int:
    """Turn every open inquiry past its ``due_at`` overdue; how many turned. Safe to run twice."""
    now = now or timezone.now()
    due = Inquiry.objects.filter(status=Inquiry.Status.OPEN, due_at__lte=now).order_by("due_at", "id")
    ids = list(due.values_list("pk", flat=True)[:OVERDUE_BATCH])
    return sum(inquiry_overdue_mark(inquiry_id=pk, now=now) for pk in ids)


def inquiry_overdue_mark(*, inquiry_id: int, now: datetime) -> bool:
    """Open → overdue once ``due_at`` passed; the issuing body's officers are e-mailed. False if not due."""
    with transaction.atomic():
        certificate_id = Inquiry.objects.values_list("certificate_id", flat=True).get(pk=inquiry_id)
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        locked = Inquiry.objects.select_for_update().get(pk=inquiry_id)
        if locked.status != Inquiry.Status.OPEN or locked.due_at > now:
            return False
        locked.status, locked.overdue_at = Inquiry.Status.OVERDUE, now
        locked.save(update_fields=["status", "overdue_at"])
        _audit(certificate, locked, None, "inquiry_overdue", {"due_at": rfc3339(locked.due_at)})
        _announce_overdue(certificate, locked)
    return True


def _announce_overdue(certificate: Certificate, inquiry: Inquiry) -> None:
    event_emit(
        type=EventType.INQUIRY_OVERDUE,
        data={
            "number": certificate.number,
            "inquiry_id": inquiry.pk,
            "due_at": rfc3339(inquiry.due_at),
            "question": inquiry.question,
        },
        organizations=inquiry_officer_organizations(inquiry=inquiry),
        roles=[User.Role.OFFICER],
    )


def _audit(
    certificate: Certificate, inquiry: Inquiry, actor: User | None, action: str, content: dict[str, object]
) -> None:
    reason = f"inquiry {inquiry.pk}: sha256 {inquiry_audit_digest(content)}"
    certificate_event_record(
        certificate, actor=actor, action=action, from_status="", to_status="", reason=reason
    )


def inquiry_audit_digest(content: dict[str, object]) -> str:
    """What an inquiry's audit event binds: the SHA-256 of the RFC 8785 form of ``content``.

    The certificate's chain is shown with the certificate, to its exporter too: the digest
    proves what customs asked and the body answered without telling the exporter.
    """
    return hashlib.sha256(canonicalize(content)).hexdigest()
