"""Notification services: emit events into the outbox, deliver webhooks and e-mail, sweep.

Domain code calls ``event_emit`` inside the transaction that makes the change; the rows
it writes commit or roll back with that change, and messages are only published after
commit. Delivery functions are safe to run twice: a row is claimed by a conditional
update before any network call.
"""

from __future__ import annotations

import base64
import json
import logging
import random
import secrets
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import kombu.exceptions
import redis.exceptions
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook

from certificates.accounts.models import Organization, User
from certificates.notifications import conf, transport
from certificates.notifications.emails import email_build
from certificates.notifications.models import (
    ENDPOINT_DISABLED_KIND,
    ESSENTIAL_EMAIL_KINDS,
    DeliveryStatus,
    EmailNotification,
    Event,
    EventType,
    NotificationPreference,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEndpointEvent,
)
from certificates.notifications.ssrf import UnsafeURLError, check_url
from certsvc.problems import ProblemError

logger = logging.getLogger(__name__)
PUBLISH_ERRORS = (kombu.exceptions.KombuError, redis.exceptions.RedisError, OSError)
CERTIFICATE_EVENTS = {
    EventType.CERTIFICATE_ISSUED,
    EventType.CERTIFICATE_REVOKED,
    EventType.CERTIFICATE_SUPERSEDED,
}


class NotificationError(ProblemError):
    pass


class WebhookURLRefused(NotificationError):
    """The URL failed the SSRF check; the API reports it as an error of the ``url`` field."""

    field = "url"


# --- Emitting ---------------------------------------------------------------------------


def event_emit(
    *,
    type: str,
    data: dict[str, Any],
    organizations: Iterable[Organization] = (),
    roles: Iterable[str] = (),
    subscribers_of_kind: str | None = None,
) -> Event:
    """Record an event and its pending deliveries; publish them once the transaction commits.

    Recipients are the users of ``organizations`` (only those with a role in ``roles`` when
    given) and, with ``subscribers_of_kind``, of every organization of that kind; e-mail
    goes to each such user with an address (non-essential mail only if not opted out), and
    the webhook to each active endpoint of those organizations subscribed to ``type``.
    """
    event_type = EventType(type)
    event = Event.objects.create(type=event_type, data=_with_links(event_type, data))
    organization_ids = _organization_ids(organizations, subscribers_of_kind)
    emails = _create_emails(event=event, organization_ids=organization_ids, roles=list(roles))
    deliveries = _create_deliveries(event=event, organization_ids=organization_ids)
    transaction.on_commit(lambda: _publish_rows(emails + deliveries))
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


def _create_emails(*, event: Event, organization_ids: set[int], roles: list[str]) -> list[EmailNotification]:
    users = User.objects.filter(organization_id__in=organization_ids, is_active=True).exclude(email="")
    if roles:
        users = users.filter(role__in=roles)
    if event.type not in ESSENTIAL_EMAIL_KINDS:
        users = users.exclude(notification_preference__email_optional=False)
    rows = [
        EmailNotification(
            event=event, user=user, kind=event.type, data=event.data, next_attempt_at=event.created_at
        )
        for user in users.order_by("id")
    ]
    return EmailNotification.objects.bulk_create(rows)


def _create_deliveries(*, event: Event, organization_ids: set[int]) -> list[WebhookDelivery]:
    endpoints = WebhookEndpoint.objects.filter(organization_id__in=organization_ids, active=True)
    rows = [
        WebhookDelivery(
            event=event,
            endpoint=endpoint,
            message_id=f"msg_{secrets.token_hex(16)}",
            next_attempt_at=event.created_at,
        )
        for endpoint in endpoints.order_by("id")
        if event.type in endpoint.event_types
    ]
    return WebhookDelivery.objects.bulk_create(rows)


# --- Publishing -------------------------------------------------------------------------


def _publish_rows(rows: Iterable[EmailNotification | WebhookDelivery]) -> int:
    """Publish in order; the first refusal stops the run, since each try at a dead broker blocks.

    What is left stays pending (``queued_at`` empty) and the sweep publishes it later.
    """
    published = 0
    for row in rows:
        if not publish(row=row):
            break
        published += 1
    return published


def publish(*, row: EmailNotification | WebhookDelivery, countdown: float = 0) -> bool:
    """Queue the task for ``row``; a broker outage is logged and left to the sweep."""
    from certificates.notifications import tasks

    task = tasks.deliver_webhook if isinstance(row, WebhookDelivery) else tasks.send_email
    try:
        task.apply_async(args=[row.pk], countdown=countdown)
    except PUBLISH_ERRORS as exc:
        logger.warning("could not queue %s %s, the sweep will retry: %s", task.name, row.pk, exc)
        return False
    queued_at = timezone.now() + timedelta(seconds=countdown)
    type(row).objects.filter(pk=row.pk).update(queued_at=queued_at)
    return True


def _queue_retry(row: EmailNotification | WebhookDelivery, delay: timedelta) -> None:
    """Near retries go out with a countdown; later ones wait for the sweep (no long broker ETAs)."""
    if delay <= conf.get("COUNTDOWN_LIMIT"):
        transaction.on_commit(lambda: publish(row=row, countdown=delay.total_seconds()))


def notifications_sweep(*, now: datetime | None = None) -> int:
    """Publish every pending row that is due and has no live message; returns how many."""
    now = now or timezone.now()
    stale = now - conf.get("STALE_AFTER")
    published = 0
    for model in (WebhookDelivery, EmailNotification):
        due = model.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).filter(
            Q(queued_at__isnull=True) | Q(queued_at__lte=stale)
        )
        rows = list(due.order_by("next_attempt_at")[: conf.get("SWEEP_BATCH")])
        count = _publish_rows(rows)
        published += count
        if count < len(rows):
            break  # the broker refused: the next sweep tries again
    return published


def _claim(model: type[WebhookDelivery] | type[EmailNotification], row_id: int) -> bool:
    """Take the row for one attempt; another worker running the same message gets False."""
    now = timezone.now()
    lease = now + conf.get("ATTEMPT_LEASE")
    claimed = model.objects.filter(
        pk=row_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now + timedelta(seconds=1)
    ).update(next_attempt_at=lease, queued_at=None)
    return claimed == 1


def _lock(model: type[WebhookEndpoint] | type[WebhookDelivery], pk: int) -> bool:
    """Lock the row for the rest of the transaction; False when it no longer exists."""
    return bool(list(model.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True)))


def _backoff(schedule: tuple[float, ...], attempts: int) -> timedelta:
    base = schedule[attempts - 1]
    jitter = conf.get("WEBHOOK_RETRY_JITTER")
    return timedelta(seconds=base * (1 + random.uniform(-jitter, jitter)))  # noqa: S311 - not a secret


# --- Webhook endpoints ------------------------------------------------------------------


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
        endpoint = WebhookEndpoint.objects.create(
            organization=organization,
            url=url,
            description=description,
            active=active,
            secret=secret,
            event_types=webhook_event_types_check(event_types=event_types),
        )
        _audit(endpoint, "registered", actor=actor)
    return endpoint, secret


def webhook_endpoint_update(*, endpoint: WebhookEndpoint, actor: str = "", **changes: Any) -> WebhookEndpoint:
    allowed = {"url", "event_types", "description", "active"}
    if set(changes) - allowed:
        raise NotificationError(
            "invalid_field", _("Only url, event_types, description and active can change.")
        )
    if "url" in changes:
        webhook_url_check(url=changes["url"])
    if "event_types" in changes:
        changes["event_types"] = webhook_event_types_check(event_types=changes["event_types"])
    if changes.get("active") and not endpoint.active:
        changes.update(failed_events=0, failing_since=None, disabled_at=None, disabled_reason="")
    with transaction.atomic():
        changed = sorted(field for field, value in changes.items() if getattr(endpoint, field) != value)
        for field, value in changes.items():
            setattr(endpoint, field, value)
        endpoint.save()
        _audit(endpoint, "changed", actor=actor, changed=changed)
    return endpoint


@transaction.atomic
def webhook_endpoint_rotate_secret(*, endpoint: WebhookEndpoint, actor: str = "") -> tuple[str, datetime]:
    """A new secret (returned once); the old one still signs deliveries during the overlap."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    secret = webhook_secret_generate()
    expires_at = timezone.now() + conf.get("WEBHOOK_SECRET_OVERLAP")
    endpoint.previous_secret, endpoint.previous_secret_expires_at = endpoint.secret, expires_at
    endpoint.secret = secret
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"])
    _audit(endpoint, "secret_rotated", actor=actor)
    return secret, expires_at


def webhook_signing_secrets(*, endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    keys = [endpoint.secret]
    if (
        endpoint.previous_secret
        and endpoint.previous_secret_expires_at
        and endpoint.previous_secret_expires_at > now
    ):
        keys.append(endpoint.previous_secret)
    return keys


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, actor: str = "") -> None:
    """Delete the endpoint together with its deliveries and their attempt log.

    The log describes deliveries to this endpoint only, so it goes with it rather than
    lingering as orphans still marked pending. The endpoint row is locked first, as
    ``_record_attempt`` does: a worker in the middle of an attempt either records it
    before the delete or finds its delivery gone and records nothing; a delivery not yet
    claimed no longer exists to be claimed, so nothing is sent after this commits.
    """
    if _lock(WebhookEndpoint, endpoint.pk):
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
    users = User.objects.filter(organization_id=endpoint.organization_id, is_active=True).exclude(email="")
    data = {"url": endpoint.url, "reason": reason, "endpoint_id": endpoint.pk}
    rows = EmailNotification.objects.bulk_create(
        EmailNotification(user=user, kind=ENDPOINT_DISABLED_KIND, data=data, next_attempt_at=timezone.now())
        for user in users
    )
    transaction.on_commit(lambda: _publish_rows(rows))


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


# --- Webhook delivery -------------------------------------------------------------------


def webhook_body(*, event: Event) -> str:
    payload = {
        "type": event.type,
        "timestamp": event.created_at.isoformat().replace("+00:00", "Z"),
        "data": event.data,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)


def webhook_headers(*, delivery: WebhookDelivery, body: str, now: datetime) -> dict[str, str]:
    moment = now.replace(microsecond=0)
    signatures = [
        Webhook(secret).sign(msg_id=delivery.message_id, timestamp=moment, data=body)
        for secret in webhook_signing_secrets(endpoint=delivery.endpoint, now=now)
    ]
    return {
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": " ".join(signatures),
        "Content-Type": "application/json",
        "User-Agent": "certsvc-webhooks/1",
    }


def webhook_delivery_attempt(*, delivery_id: int) -> None:
    """One attempt for a due delivery; a duplicate message, or a finished row, does nothing."""
    if not _claim(WebhookDelivery, delivery_id):
        return
    delivery = WebhookDelivery.objects.select_related("event", "endpoint").get(pk=delivery_id)
    if not delivery.endpoint.active:
        _finish(delivery, DeliveryStatus.CANCELLED)
        return
    now = timezone.now()
    try:
        response = _webhook_send(delivery, now)
    except Exception as exc:  # a crash would leave the row claimed, never counted
        logger.exception("webhook delivery %s failed unexpectedly", delivery.pk)
        response = transport.Response(status_code=None, latency_ms=0, error=type(exc).__name__)
    _record_attempt(delivery, response, now)


def _webhook_send(delivery: WebhookDelivery, now: datetime) -> transport.Response:
    body = webhook_body(event=delivery.event)
    return transport.post(
        url=delivery.endpoint.url,
        body=body.encode(),
        headers=webhook_headers(delivery=delivery, body=body, now=now),
    )


@transaction.atomic
def _record_attempt(delivery: WebhookDelivery, response: transport.Response, now: datetime) -> None:
    # Endpoint first, then the delivery: the same order as webhook_endpoint_delete, so no deadlock.
    _lock(WebhookEndpoint, delivery.endpoint_id)
    if not _lock(WebhookDelivery, delivery.pk):
        return  # the endpoint was deleted during the attempt, and its log with it
    WebhookAttempt.objects.create(
        delivery=delivery,
        attempted_at=now,
        status_code=response.status_code,
        latency_ms=response.latency_ms,
        success=response.ok,
        error=response.error[:200],
    )
    delivery.attempts += 1
    if response.ok:
        _finish(delivery, DeliveryStatus.DELIVERED)
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(failed_events=0, failing_since=None)
    elif response.status_code == 410:
        _finish(delivery, DeliveryStatus.FAILED)
        webhook_endpoint_disable(endpoint=delivery.endpoint, reason="The receiver answered 410 Gone.")
    else:
        _record_failure(delivery, response, now)


def _record_failure(delivery: WebhookDelivery, response: transport.Response, now: datetime) -> None:
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    endpoint.failing_since = endpoint.failing_since or now
    schedule = conf.get("WEBHOOK_RETRY_SCHEDULE")
    if delivery.attempts > len(schedule):
        _finish(delivery, DeliveryStatus.FAILED)
        endpoint.failed_events += 1
    else:
        _schedule_retry(delivery, _webhook_delay(schedule, delivery.attempts, response), now)
    endpoint.save(update_fields=["failing_since", "failed_events"])
    too_many = endpoint.failed_events >= conf.get("WEBHOOK_DISABLE_AFTER_FAILED_EVENTS")
    if too_many or now - endpoint.failing_since > conf.get("WEBHOOK_DISABLE_AFTER"):
        webhook_endpoint_disable(endpoint=endpoint, reason="Deliveries kept failing.")


def _webhook_delay(schedule: tuple[float, ...], attempts: int, response: transport.Response) -> timedelta:
    if response.status_code == 429 and response.retry_after is not None:
        return min(response.retry_after, conf.get("WEBHOOK_MAX_RETRY_AFTER"))
    return _backoff(schedule, attempts)


def _schedule_retry(row: WebhookDelivery | EmailNotification, delay: timedelta, now: datetime) -> None:
    row.next_attempt_at = now + delay
    row.save(update_fields=["attempts", "next_attempt_at"])
    _queue_retry(row, delay)


def _finish(row: WebhookDelivery | EmailNotification, status: str) -> None:
    row.status, row.completed_at = status, timezone.now()
    row.next_attempt_at = None
    row.save(update_fields=["status", "completed_at", "attempts", "next_attempt_at"])


@transaction.atomic
def webhook_delivery_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send the event again, with the same ``webhook-id``, and a fresh round of retries."""
    delivery = WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery.pk)
    if not delivery.endpoint.active:
        raise NotificationError("endpoint_inactive", _("Activate the endpoint before redelivering."))
    delivery.status, delivery.attempts = DeliveryStatus.PENDING, 0
    delivery.next_attempt_at, delivery.completed_at = timezone.now(), None
    delivery.save(update_fields=["status", "attempts", "next_attempt_at", "completed_at"])
    transaction.on_commit(lambda: publish(row=delivery))
    return delivery


# --- E-mail -----------------------------------------------------------------------------


def email_send(*, email_id: int) -> None:
    """Send one notification e-mail; SMTP trouble is retried on the e-mail schedule."""
    if not _claim(EmailNotification, email_id):
        return
    email = EmailNotification.objects.select_related("user").get(pk=email_id)
    if not _still_wanted(email):
        _finish(email, DeliveryStatus.CANCELLED)
        return
    try:
        email_build(kind=email.kind, data=email.data, user=email.user).send()
    except (smtplib.SMTPException, OSError) as exc:
        _email_failed(email, f"{type(exc).__name__}: {exc}")
        return
    email.attempts += 1
    _finish(email, DeliveryStatus.DELIVERED)


def _still_wanted(email: EmailNotification) -> bool:
    user = email.user
    if not (user.is_active and user.email):
        return False
    return email.kind in ESSENTIAL_EMAIL_KINDS or notification_preference_get(user=user).email_optional


@transaction.atomic
def _email_failed(email: EmailNotification, error: str) -> None:
    email.attempts += 1
    email.error = error[:200]
    email.save(update_fields=["error"])
    schedule = conf.get("EMAIL_RETRY_SCHEDULE")
    if email.attempts > len(schedule):
        _finish(email, DeliveryStatus.FAILED)
    else:
        _schedule_retry(email, _backoff(schedule, email.attempts), timezone.now())


# --- Preferences ------------------------------------------------------------------------


def notification_preference_get(*, user: User) -> NotificationPreference:
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


def notification_preference_update(*, user: User, email_optional: bool) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_optional": email_optional}
    )
    return preference
