"""Emitting an event: the event row, one pending row per recipient, published after commit.

Domain code calls ``event_emit`` inside the transaction that makes the change; the rows it
writes commit or roll back with that change, and messages are only published after commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from certificates.accounts.models import Organization, User
from certificates.notifications.dispatch import OutboxRow, rows_publish
from certificates.notifications.models import (
    ESSENTIAL_EMAIL_KINDS,
    EmailNotification,
    Event,
    EventType,
    WebhookDelivery,
    WebhookEndpoint,
)

CERTIFICATE_EVENTS = {
    EventType.CERTIFICATE_ISSUED,
    EventType.CERTIFICATE_REVOKED,
    EventType.CERTIFICATE_SUPERSEDED,
    EventType.CERTIFICATE_DECLARATION_RECORDED,
    EventType.CERTIFICATE_EXHAUSTED,
    EventType.INQUIRY_ANSWERED,
    EventType.INQUIRY_OVERDUE,
}


def event_emit(
    *,
    type: str,
    data: dict[str, Any],
    organizations: Iterable[Organization] = (),
    roles: Iterable[str] = (),
    subscribers_of_kind: str | None = None,
    webhook_organizations: Iterable[Organization] = (),
) -> Event:
    """Record an event and its pending deliveries; publish them once the transaction commits.

    Recipients are the users of ``organizations`` (only those with a role in ``roles`` when
    given) and, with ``subscribers_of_kind``, of every organization of that kind; e-mail
    goes to each such user with an address (non-essential mail only if not opted out), and
    the webhook to each active endpoint of those organizations subscribed to ``type``.
    ``webhook_organizations`` are told on their webhooks only. Each endpoint gets one delivery,
    however many of these name its organization.
    """
    event_type = EventType(type)
    event = Event.objects.create(type=event_type, data=_with_links(event_type, data))
    organization_ids = _organization_ids(organizations, subscribers_of_kind)
    emails = _create_emails(event=event, organization_ids=organization_ids, roles=list(roles))
    hooked = organization_ids | _organization_ids(webhook_organizations, None)
    rows: list[OutboxRow] = [*emails, *_create_deliveries(event=event, organization_ids=hooked)]
    transaction.on_commit(lambda: rows_publish(rows))
    return event


def _with_links(event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    number = data.get("number")
    if event_type not in CERTIFICATE_EVENTS or not number:
        return dict(data)
    base = f"{settings.PUBLIC_BASE_URL}/api/v1/certificates/{number}"
    links = {"certificate": f"{base}/", "document": f"{base}/document", "pdf": f"{base}/pdf"}
    links["public"] = f"{settings.PUBLIC_BASE_URL}/v/{number}"
    return {**data, "links": {**links, **data.get("links", {})}}


def _organization_ids(organizations: Iterable[Organization], kind: str | None) -> set[int]:
    ids = {organization.pk for organization in organizations}
    if kind:
        ids.update(Organization.objects.filter(kind=kind).values_list("id", flat=True))
    return ids


def events_emit(*, type: str, announcements: Sequence[tuple[dict[str, Any], Organization]]) -> list[Event]:
    """``event_emit(type=type, data=data, organizations=[organization])`` for each pair, in five
    statements at most for all of them (a batch of issued certificates, each to its exporter)."""
    event_type = EventType(type)
    events = Event.objects.bulk_create(
        [Event(type=event_type, data=_with_links(event_type, data)) for data, _organization in announcements]
    )
    organization_ids = {organization.pk for _data, organization in announcements}
    users = _by_organization(_email_users(event_type, organization_ids, roles=[]))
    endpoints = _by_organization(
        WebhookEndpoint.objects.filter(organization_id__in=organization_ids, active=True)
    )
    emails, deliveries = [], []
    for event, (_data, organization) in zip(events, announcements, strict=True):
        emails += [_email(event, user) for user in users.get(organization.pk, [])]
        deliveries += [
            _delivery(event, hook) for hook in endpoints.get(organization.pk, []) if type in hook.event_types
        ]
    rows: list[OutboxRow] = [
        *EmailNotification.objects.bulk_create(emails),
        *WebhookDelivery.objects.bulk_create(deliveries),
    ]
    transaction.on_commit(lambda: rows_publish(rows))
    return events


def _by_organization(rows: QuerySet[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = {}
    for row in rows.order_by("id"):
        grouped.setdefault(row.organization_id, []).append(row)
    return grouped


def _email_users(event_type: str, organization_ids: set[int], roles: list[str]) -> QuerySet[User]:
    users = User.objects.filter(organization_id__in=organization_ids, is_active=True).exclude(email="")
    if roles:
        users = users.filter(role__in=roles)
    if event_type not in ESSENTIAL_EMAIL_KINDS:
        users = users.exclude(notification_preference__email_optional=False)
    return users


def _email(event: Event, user: User) -> EmailNotification:
    return EmailNotification(
        event=event, user=user, kind=event.type, data=event.data, next_attempt_at=event.created_at
    )


def _delivery(event: Event, endpoint: WebhookEndpoint) -> WebhookDelivery:
    return WebhookDelivery(
        event=event,
        endpoint=endpoint,
        message_id=f"msg_{secrets.token_hex(16)}",
        next_attempt_at=event.created_at,
    )


def _create_emails(*, event: Event, organization_ids: set[int], roles: list[str]) -> list[EmailNotification]:
    users = _email_users(event.type, organization_ids, roles)
    return EmailNotification.objects.bulk_create([_email(event, user) for user in users.order_by("id")])


def _create_deliveries(*, event: Event, organization_ids: set[int]) -> list[WebhookDelivery]:
    endpoints = WebhookEndpoint.objects.filter(organization_id__in=organization_ids, active=True)
    rows = [
        _delivery(event, endpoint)
        for endpoint in endpoints.order_by("id")
        if event.type in endpoint.event_types
    ]
    return WebhookDelivery.objects.bulk_create(rows)
