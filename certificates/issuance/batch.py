"""The signing worker's fast path: many pending orders signed in one transaction.

A task for order *n* locks *n* and up to ``ISSUANCE_BATCH_SIZE - 1`` other pending orders
(``SELECT … FOR UPDATE SKIP LOCKED``: two workers never wait for each other's orders, and an
order locked by one is invisible to the other), then issues each of them as ``certificate_issue``
would, with the same numbering, document and signing functions, but with the statements that can
be shared written once for the batch: the log leaves, the audit rows, the status updates and the
notifications. Everything commits together or not at all, so a crash mid-batch leaves every one of
its orders pending, and each order is signed once: a done order is skipped, a locked one is
someone else's. The messages of the orders a batch took become no-ops (one ``SELECT`` once the batch
has committed; before, an ``UPDATE`` that skips the locked order instead of waiting for it).

Orders that failed before, replacements and orders whose application is not approved are never
taken into a batch: their own task issues them alone (``certificate_issue``), which records their
error. So does a batch that raises: it is rolled back, its own order is issued alone and the
others are queued again (their messages may already have been consumed as no-ops).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Case, F, Prefetch, Value, When
from django.utils import timezone

from certificates import outbox
from certificates.applications.batch import applications_mark_issued
from certificates.applications.models import Application, ApplicationEvent
from certificates.audit import audit_record_many
from certificates.issuance import services
from certificates.issuance.history import CERTIFICATE_STREAM
from certificates.issuance.models import Certificate, IssuanceOrder
from certificates.issuance.numbering import certificate_numbers_allocate
from certificates.issuance.signals import certificate_issued
from certificates.notifications.services import events_emit
from signing.models import SigningKey
from signing.selectors import signing_key_get_active
from signing.transparency.append_many import log_append_many

logger = logging.getLogger(__name__)

State = IssuanceOrder.State


class InjectedCrash(RuntimeError):
    """Raised (tests only: ``ISSUANCE_TEST_BATCH_CRASH_AFTER``) once a batch has written its certificates."""


def certificate_issue_batched(*, order_id: int) -> list[services.IssueResult]:
    """What the signing task runs: order ``order_id`` with other pending orders, or alone if it must."""
    if settings.ISSUANCE_BATCH_SIZE <= 1:
        return [services.certificate_issue(order_id=order_id)]
    state = IssuanceOrder.objects.filter(pk=order_id).values_list("state", flat=True).first()
    if state != State.PENDING:
        logger.info("issuance order %s already done; nothing to do", order_id)
        return []
    if not _batchable().filter(pk=order_id).exists():
        return [services.certificate_issue(order_id=order_id)]
    if not _run_counted(order_id):
        logger.info("issuance order %s is in another batch; nothing to do", order_id)
        return []
    taken: list[int] = []
    try:
        return certificates_issue_batch(order_id=order_id, limit=settings.ISSUANCE_BATCH_SIZE, taken=taken)
    except (OperationalError, InterfaceError):
        raise
    except Exception:
        logger.warning("issuance batch of order %s failed; issuing it alone", order_id, exc_info=True)
    result = services.certificate_issue(order_id=order_id, counted=True)
    for other in taken:
        if other != order_id:
            services.issuance_order_queue(order_id=other)
    return [result]


def certificates_issue_batch(
    *, order_id: int, limit: int, taken: list[int] | None = None
) -> list[services.IssueResult]:
    """Issue ``order_id`` (unless another batch holds it) and up to ``limit - 1`` more, in one transaction.

    ``taken`` receives the ids of the orders locked, also when the batch then raises.
    """
    with transaction.atomic():
        orders = _orders_lock(order_id, limit)
        if taken is not None:
            taken += [order.pk for order in orders]
        if not orders:
            logger.info("issuance order %s is in another batch; nothing to do", order_id)
            return []
        applications = _applications_lock(orders)
        services._slow_down_for_tests()
        certificates = _certificates_issue(applications)
        # An order whose application was no longer approved once locked stays pending: its own task
        # (queued again by the sweep) records why, instead of the order passing for done.
        issued = {application.pk for application in applications}
        _orders_done([order for order in orders if order.application_id in issued], counted=order_id)
    for certificate in certificates:
        logger.info(
            "certificate %s issued for application %s", certificate.number, certificate.application_id
        )
    return [services.IssueResult(certificate=certificate, created=True) for certificate in certificates]


def _run_counted(order_id: int) -> bool:
    """Count this run towards ``ISSUANCE_MAX_ATTEMPTS`` before the batch, as ``certificate_issue`` does,
    so that a batch whose connection is lost still counts; ``False`` if another batch holds the order
    (never waiting for it: ``SKIP LOCKED``) or it is no longer pending."""
    pending = _batchable().filter(pk=order_id).select_for_update(skip_locked=True, of=("self",))
    with transaction.atomic():
        counted = IssuanceOrder.objects.filter(pk__in=pending.values("pk")).update(attempts=F("attempts") + 1)
    return counted == 1


def _batchable() -> Any:
    """Orders a batch may take: pending, never failed, their application approved and not a replacement."""
    return IssuanceOrder.objects.filter(
        state=State.PENDING,
        error_code="",
        application__status=Application.Status.APPROVED,
        application__replaces__isnull=True,
    )


def _orders_lock(order_id: int, limit: int) -> list[IssuanceOrder]:
    """``order_id`` first, then the oldest others, each only if no other transaction holds it."""
    return list(
        _batchable()
        .select_for_update(skip_locked=True, of=("self",))
        .order_by(Case(When(pk=order_id, then=Value(0)), default=Value(1)), "id")[:limit]
    )


def _applications_lock(orders: list[IssuanceOrder]) -> list[Application]:
    approvals = ApplicationEvent.objects.filter(action="approved").select_related("actor__organization")
    applications = (
        Application.objects.select_for_update(of=("self",))
        .select_related("exporter")
        .prefetch_related("items", Prefetch("events", queryset=approvals, to_attr=services.APPROVALS))
        .filter(pk__in=[order.application_id for order in orders])
        .order_by("id")
    )
    # Locked after the orders, as certificate_issue locks them; still approved, as the orders said.
    return [application for application in applications if application.status == Application.Status.APPROVED]


def _certificates_issue(applications: list[Application]) -> list[Certificate]:
    keys: dict[str, SigningKey] = {}  # each body's active key, read once per batch
    certificates = [_signed(application, fields, keys) for application, fields in _numbered(applications)]
    leaves = log_append_many(entries=[certificate.jws.encode("ascii") for certificate in certificates])
    for certificate, leaf in zip(certificates, leaves, strict=True):
        certificate.log_index = leaf.index
    Certificate.objects.bulk_create(certificates)
    Certificate.objects.filter(pk__in=[c.pk for c in certificates]).update(status_list_index=F("id"))
    _crash_for_tests(len(certificates))
    issued = {"actor": None, "action": "issued", "from_status": "", "to_status": Certificate.Status.ISSUED}
    audit_record_many(
        stream=CERTIFICATE_STREAM, entries=[(certificate, issued) for certificate in certificates]
    )
    applications_mark_issued(applications=applications)
    _announce_issued(certificates)
    return certificates


def _numbered(applications: list[Application]) -> list[tuple[Application, dict[str, object]]]:
    """Each application's number and document, as ``certificate_issue`` makes them.

    The numbers of one sequence are taken together, with one lock, and the sequences are locked in
    the same order by every batch, so two batches wait for each other but never deadlock.
    """
    issued_at = timezone.now().replace(microsecond=0)
    issuers = {application.pk: services._issuer_for(application) for application in applications}
    sequences: dict[tuple[str, str], list[Application]] = defaultdict(list)
    for application in applications:
        sequences[(issuers[application.pk].certificate_prefix, application.type)].append(application)
    fields: dict[int, dict[str, object]] = {}
    for (_prefix, type_), members in sorted(sequences.items()):
        issuer = issuers[members[0].pk]
        year, count = issued_at.year, len(members)
        numbers = certificate_numbers_allocate(issuer=issuer, year=year, type=type_, count=count)
        for application, (sequence, number) in zip(members, numbers, strict=True):
            fields[application.pk] = services._document_fields(
                application, issuer=issuer, issued_at=issued_at, sequence=sequence, number=number
            )
    return [(application, fields[application.pk]) for application in applications]


def _signed(application: Application, fields: dict[str, object], keys: dict[str, SigningKey]) -> Certificate:
    """Built and signed as ``certificate_issue`` does, with its body's key; not yet saved."""
    certificate = Certificate(application=application, **fields)
    country = str(certificate.document["issuer"]["country"])
    if country not in keys:
        keys[country] = signing_key_get_active(issuer_country=country)
    services._sign_document(certificate, keys[country])
    return certificate


def _orders_done(orders: list[IssuanceOrder], *, counted: int) -> None:
    """Done, each run counted once: order ``counted``, the task's own, was counted before the batch."""
    IssuanceOrder.objects.filter(pk__in=[order.pk for order in orders]).update(
        state=State.DONE,
        attempts=Case(When(pk=counted, then=F("attempts")), default=F("attempts") + 1),
        error_code="",
        error="",
        updated_at=timezone.now(),
    )


def _announce_issued(certificates: list[Certificate]) -> None:
    """As ``certificate_issue`` announces one certificate: the exporter's event now, the rest after commit."""
    events_emit(
        type="certificate.issued",
        announcements=[(services._issued_event_data(c), c.application.exporter) for c in certificates],
    )
    transaction.on_commit(lambda: _after_commit(certificates))


def _after_commit(certificates: list[Certificate]) -> None:
    for certificate in certificates:
        outbox.publish(outbox.RENDER_CERTIFICATE_PDF, certificate.pk)
        certificate_issued.send(sender=Certificate, number=certificate.number)


def _crash_for_tests(written: int) -> None:
    after = settings.ISSUANCE_TEST_BATCH_CRASH_AFTER
    if after and written >= after:
        raise InjectedCrash(f"injected crash after {written} certificates of a batch")
