"""Webhook endpoints: register, change, rotate the secret, disable, delete; each change audited.

The audit rows (``WebhookEndpointEvent``) keep the endpoint's id and URL, not a foreign key,
so the history outlives a deleted endpoint.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.accounts.models import Organization, User
from certificates.notifications import conf
from certificates.notifications.dispatch import rows_publish
from certificates.notifications.errors import NotificationError, WebhookURLRefused
from certificates.notifications.models import (
    ENDPOINT_DISABLED_KIND,
    SEALED_FIELDS,
    DeliveryStatus,
    EmailNotification,
    EventType,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEndpointEvent,
)
from certificates.notifications.secrets import secret_reseal
from certificates.notifications.ssrf import UnsafeURLError, check_url

EDITABLE_FIELDS = frozenset({"url", "event_types", "description", "active"})


def webhook_secret_generate() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def webhook_url_check(*, url: str) -> None:
    try:
        check_url(url)
    except UnsafeURLError as exc:
        detail = _("The webhook URL is not allowed: %(reason)s.") % {"reason": exc}
        raise WebhookURLRefused("unsafe_url", detail, status_code=400) from exc


def webhook_event_types_check(*, event_types: list[str]) -> list[str]:
    unknown = sorted(set(event_types) - set(EventType.values))
    if not event_types or unknown:
        detail = (
            _("Unknown event types: %(types)s.") % {"types": ", ".join(unknown)}
            if unknown
            else _("Choose at least one event type.")
        )
        raise NotificationError("invalid_event_types", detail, status_code=400)
    return sorted(set(event_types))


def webhook_endpoint_room_check(*, organization: Organization) -> None:
    """Refuse another endpoint when the organization already has as many as it may."""
    limit = conf.get("WEBHOOK_MAX_ENDPOINTS_PER_ORGANIZATION")
    if WebhookEndpoint.objects.filter(organization=organization).count() >= limit:
        detail = _(
            "The organization has reached its limit of webhook endpoints (%(limit)d); "
            "delete one to add another."
        ) % {"limit": limit}
        raise NotificationError("too_many_endpoints", detail, status_code=400)


def webhook_endpoint_create(
    *,
    organization: Organization,
    url: str,
    event_types: list[str],
    description: str = "",
    active: bool = True,
    actor: str = "",
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it with its secret, which is shown only this once."""
    webhook_url_check(url=url)
    secret = webhook_secret_generate()
    with transaction.atomic():
        # The organization row serializes concurrent registrations, so none slips past the cap.
        list(Organization.objects.select_for_update().filter(pk=organization.pk).values_list("pk"))
        webhook_endpoint_room_check(organization=organization)
        endpoint = WebhookEndpoint(
            organization=organization,
            url=url,
            description=description,
            active=active,
            event_types=webhook_event_types_check(event_types=event_types),
        )
        endpoint.secret = secret  # sealed by save(), under the id the insert gives it
        endpoint.save()
        _audit(endpoint, "registered", actor=actor)
    return endpoint, secret


def webhook_endpoint_update(*, endpoint: WebhookEndpoint, actor: str = "", **changes: Any) -> WebhookEndpoint:
    """Change what an owner may change; switching an endpoint back on clears its failure streak."""
    changes = _checked_changes(endpoint, changes)
    with transaction.atomic():
        changed = sorted(field for field, value in changes.items() if getattr(endpoint, field) != value)
        for field, value in changes.items():
            setattr(endpoint, field, value)
        endpoint.save()
        _audit(endpoint, "changed", actor=actor, changed=changed)
    return endpoint


def _checked_changes(endpoint: WebhookEndpoint, changes: dict[str, Any]) -> dict[str, Any]:
    if set(changes) - EDITABLE_FIELDS:
        raise NotificationError(
            "invalid_field", _("Only url, event_types, description and active can change.")
        )
    if "url" in changes:
        webhook_url_check(url=changes["url"])
    if "event_types" in changes:
        changes["event_types"] = webhook_event_types_check(event_types=changes["event_types"])
    if changes.get("active") and not endpoint.active:
        changes.update(failed_events=0, failing_since=None, disabled_at=None, disabled_reason="")
    return changes


@transaction.atomic
def webhook_endpoint_rotate_secret(*, endpoint: WebhookEndpoint, actor: str = "") -> tuple[str, datetime]:
    """A new secret (returned once); the old one still signs deliveries during the overlap."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    secret = webhook_secret_generate()
    expires_at = timezone.now() + conf.get("WEBHOOK_SECRET_OVERLAP")
    endpoint.previous_secret, endpoint.previous_secret_expires_at = endpoint.secret, expires_at
    endpoint.secret = secret
    endpoint.save(update_fields=[*SEALED_FIELDS.values(), "previous_secret_expires_at", "updated_at"])
    _audit(endpoint, "secret_rotated", actor=actor)
    return secret, expires_at


def webhook_signing_secrets(*, endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The current secret, and the previous one while its overlap lasts."""
    expires_at = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires_at and expires_at > now:
        return [endpoint.secret, endpoint.previous_secret]
    return [endpoint.secret]


@transaction.atomic
def webhook_secrets_rewrap() -> int:
    """Re-wrap every endpoint secret sealed under an older KEK; returns how many blobs changed.

    One transaction: if any blob cannot be opened, nothing changes.
    """
    count = 0
    for endpoint in WebhookEndpoint.objects.select_for_update().only("pk", *SEALED_FIELDS.values()):
        count += _secrets_rewrap(endpoint)
    return count


def _secrets_rewrap(endpoint: WebhookEndpoint) -> int:
    changed = {}
    for name, column in SEALED_FIELDS.items():
        blob = secret_reseal(getattr(endpoint, column), endpoint_id=endpoint.pk, field=name)
        if blob is not None:
            changed[column] = blob
    if changed:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(**changed)
    return len(changed)


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, actor: str = "") -> None:
    """Delete the endpoint together with its deliveries and their attempt log.

    The log describes deliveries to this endpoint only, so it goes with it rather than
    lingering as orphans still marked pending. The endpoint row is locked first, as a
    delivery attempt records its result: a worker in the middle of an attempt either records
    it before the delete or finds its delivery gone and records nothing; a delivery not yet
    claimed no longer exists to be claimed, so nothing is sent after this commits.
    """
    if row_lock(WebhookEndpoint, endpoint.pk):
        _audit(endpoint, "deleted", actor=actor)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()


@transaction.atomic
def webhook_endpoint_disable(*, endpoint: WebhookEndpoint, reason: str) -> None:
    """Switch the endpoint off, cancel what it still owes, and tell its organization."""
    updated = WebhookEndpoint.objects.filter(pk=endpoint.pk, active=True).update(
        active=False, disabled_at=timezone.now(), disabled_reason=reason[:200]
    )
    if not updated:
        return
    _audit(endpoint, "disabled", actor="certsvc", reason=reason)
    endpoint.deliveries.filter(status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.CANCELLED, completed_at=timezone.now()
    )
    rows = _tell_organization_disabled(endpoint, reason)
    transaction.on_commit(lambda: rows_publish(rows))


def _tell_organization_disabled(endpoint: WebhookEndpoint, reason: str) -> list[EmailNotification]:
    users = User.objects.filter(organization_id=endpoint.organization_id, is_active=True).exclude(email="")
    data = {"url": endpoint.url, "reason": reason, "endpoint_id": endpoint.pk}
    return EmailNotification.objects.bulk_create(
        EmailNotification(user=user, kind=ENDPOINT_DISABLED_KIND, data=data, next_attempt_at=timezone.now())
        for user in users
    )


def row_lock(model: type[WebhookEndpoint] | type[WebhookDelivery], pk: int) -> bool:
    """Lock the row for the rest of the transaction; False when it no longer exists."""
    return bool(list(model.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True)))


def _audit(
    endpoint: WebhookEndpoint, action: str, *, actor: str, changed: list[str] | None = None, reason: str = ""
) -> None:
    WebhookEndpointEvent.objects.create(
        organization_id=endpoint.organization_id,
        endpoint_id=endpoint.pk,
        url=endpoint.url,
        action=action,
        changed=changed or [],
        reason=reason[:200],
        actor=actor,
    )
