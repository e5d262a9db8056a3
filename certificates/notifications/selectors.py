"""Reads shared by the API and the admin; ownership is checked here, once."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from certificates.notifications.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


def webhook_endpoint_list(*, organization_id: int) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(organization_id=organization_id).order_by("id")


def webhook_endpoint_get(*, organization_id: int, endpoint_id: int) -> WebhookEndpoint:
    """The organization's endpoint; any other id is a 404, never a 403 that confirms it exists."""
    return get_object_or_404(webhook_endpoint_list(organization_id=organization_id), pk=endpoint_id)


def webhook_delivery_list(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    attempts = Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("attempted_at", "id"))
    return (
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .prefetch_related(attempts)
        .order_by("-created_at", "-id")
    )


def webhook_delivery_get(*, endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery:
    return get_object_or_404(WebhookDelivery.objects.filter(endpoint=endpoint), pk=delivery_id)
