"""Read-side queries shared by the API and admin, each with a fixed number of SQL queries."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from certificates import roles
from certificates.accounts.models import User
from certificates.applications.models import (
    OFFICER_VISIBLE_STATUSES,
    Application,
    ApplicationEvent,
    GoodsItem,
)


def application_list_for(*, user: User) -> QuerySet[Application]:
    """Applications the user may see: exporters their organization's, officers their body's queue.

    An officer sees the submitted applications of its body's country's exporters (CONTRACT §6 v1.1);
    every other application does not exist for it (404).
    """
    queryset = Application.objects.select_related("exporter", "created_by", "certificate").prefetch_related(
        Prefetch("items", queryset=GoodsItem.objects.order_by("line"))
    )
    if roles.is_exporter(user):
        return queryset.filter(exporter_id=user.organization_id)
    body = roles.issuing_body_country(user)
    if body is not None:
        return queryset.filter(status__in=OFFICER_VISIBLE_STATUSES, exporter__country=body)
    return queryset.none()


def application_admin_queryset(*, user: object, queryset: QuerySet[Application]) -> QuerySet[Application]:
    """The admin's changelist: an officer sees only its body's applications; administrators all."""
    if roles.is_officer(user):
        body = roles.issuing_body_country(user)
        return queryset.filter(exporter__country=body) if body else queryset.none()
    return queryset


def application_detail_for(*, user: User) -> QuerySet[Application]:
    """As :func:`application_list_for`, with the decision history and its actors loaded."""
    return application_list_for(user=user).prefetch_related(
        Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor").order_by("at", "id"))
    )
