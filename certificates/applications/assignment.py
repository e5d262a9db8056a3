"""Who works an application in the review queue: an officer takes it, a staff administrator moves it.

The issuing body of an application is the one of its exporter's country (issue 17); who is an
officer of which body is ``roles.is_officer_of_issuing_body``'s answer, so the queue and both
services follow it. Each change is made under the application's row lock with an audit row.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import DurationField, ExpressionWrapper, F, QuerySet
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import status

from certificates import roles
from certificates.accounts.models import Organization, User
from certificates.applications import selectors
from certificates.applications.guards import ApplicationError, reason_given, require_body_officer
from certificates.applications.models import Application
from certificates.applications.services import _lock, _record
from certificates.applications.uploads import upload_refused

Status = Application.Status


def issuing_body_country(application: Application) -> str:
    """The country whose certification body decides the application: the exporter's."""
    return str(application.exporter.country)


def assign_to_me(officer: User, application: Application) -> Application:
    """A submitted application of the officer's body becomes the officer's; taken by another: 409."""
    with transaction.atomic():
        locked = _lock(application)
        require_body_officer(officer, locked)  # another body's application does not exist (404)
        _require_submitted(locked)
        if locked.assigned_to_id == officer.pk:
            return locked
        if locked.assigned_to_id is not None:
            raise ApplicationError(
                "already_assigned",
                str(_("Another officer works on this application; an administrator can reassign it.")),
            )
        return _assign(locked, officer=officer, actor=officer, action="assigned", reason="")


def reassign(staff_user: User, application: Application, officer: User, reason: str) -> Application:
    """A staff administrator gives a submitted application to another officer of its body, saying why."""
    if not roles.is_administrator(staff_user):
        raise ApplicationError(
            "permission_denied",
            str(_("Only administrators reassign applications.")),
            status_code=status.HTTP_403_FORBIDDEN,
        )
    cleaned = reason_given(reason)
    with transaction.atomic():
        locked = _lock(application)
        _require_submitted(locked)
        if not roles.is_officer_of_issuing_body(officer, issuing_body_country(locked)):
            raise upload_refused(
                _("Choose an officer of the application's issuing body."), "not_officer", field="officer"
            )
        return _assign(locked, officer=officer, actor=staff_user, action="reassigned", reason=cleaned)


def review_queue_for(*, user: User) -> QuerySet[Application]:
    """Submitted applications of the officer's bodies, oldest first, with ``age`` and the assignee."""
    if roles.issuing_body_country(user) is None:
        return Application.objects.none()  # the queue is officers' only
    # The body's applications (the selector's rule); the queue shows no goods line, so none is loaded.
    submitted = selectors.application_list_for(user=user).filter(status=Status.SUBMITTED)
    return (
        submitted.prefetch_related(None)
        .select_related("assigned_to")
        .annotate(age=ExpressionWrapper(Now() - F("submitted_at"), output_field=DurationField()))
        .order_by("submitted_at", "id")
    )


def officers_of_body(country: str) -> QuerySet[User]:
    """The active officers who may work applications of ``country``'s body (for the reassign form)."""
    return User.objects.filter(
        role=User.Role.OFFICER,
        is_active=True,
        organization__kind=Organization.Kind.ISSUER,
        organization__country=country,
    ).order_by("username")


# --- helpers ---------------------------------------------------------------------


def _assign(application: Application, *, officer: User, actor: User, action: str, reason: str) -> Application:
    previous = application.assigned_to.username if application.assigned_to else "-"
    application.assigned_to, application.assigned_at = officer, timezone.now()
    application.save(update_fields=["assigned_to", "assigned_at", "updated_at"])
    note = f"{previous} → {officer.username}"
    _record(
        application,
        actor=actor,
        action=action,
        from_status=application.status,
        to_status=application.status,
        reason=f"{reason} ({note})" if reason else note,
    )
    return application


def _require_submitted(application: Application) -> None:
    if application.status != Status.SUBMITTED:
        raise ApplicationError(
            "not_submitted", str(_("Only applications waiting in the review queue are assigned."))
        )
