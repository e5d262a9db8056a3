"""Transitions of many applications at once, for the signing worker's batches."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from certificates.applications.models import Application
from certificates.applications.services import APPLICATION_STREAM
from certificates.audit import audit_record_many

Status = Application.Status


def applications_mark_issued(*, applications: Sequence[Application]) -> None:
    """Approved → issued for each, as ``application_mark_issued`` does, in three statements.

    Called inside the signing transaction, which holds every application's row lock and has
    checked that each is approved.
    """
    Application.objects.filter(pk__in=[application.pk for application in applications]).update(
        status=Status.ISSUED, updated_at=timezone.now()
    )
    issued = {"actor": None, "action": "issued", "from_status": Status.APPROVED, "to_status": Status.ISSUED}
    audit_record_many(
        stream=APPLICATION_STREAM, entries=[(application, issued) for application in applications]
    )
    for application in applications:
        application.status = Status.ISSUED
