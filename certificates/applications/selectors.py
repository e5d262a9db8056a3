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
    """Applications the user may see: exporters their organization's, officers everything submitted."""
    queryset = Application.objects.select_related("exporter", "created_by", "certificate").prefetch_related(
        Prefetch("items", queryset=GoodsItem.objects.order_by("line"))
    )
    if roles.is_exporter(user):
        return queryset.filter(exporter_id=user.organization_id)
    if roles.is_officer(user):
        return queryset.filter(status__in=OFFICER_VISIBLE_STATUSES)
    return queryset.none()


def application_detail_for(*, user: User) -> QuerySet[Application]:
    """As :func:`application_list_for`, with the decision history and its actors loaded."""
    return application_list_for(user=user).prefetch_related(
        Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor").order_by("at", "id"))
    )
