"""Outbox rows: an event, and one pending delivery per webhook endpoint and per e-mail recipient.

The rows are written in the transaction of the change that caused the event, so a broker
outage loses nothing: the periodic sweep finds what is still pending and queues it.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.notifications import secrets


class EventType(models.TextChoices):
    APPLICATION_SUBMITTED = "application.submitted", _("Application submitted")
    APPLICATION_RETURNED = "application.returned", _("Application returned for corrections")
    APPLICATION_REJECTED = "application.rejected", _("Application rejected")
    APPLICATION_APPROVED = "application.approved", _("Application approved")
    CERTIFICATE_ISSUED = "certificate.issued", _("Certificate issued")
    CERTIFICATE_REVOKED = "certificate.revoked", _("Certificate revoked")
    CERTIFICATE_SUPERSEDED = "certificate.superseded", _("Certificate superseded")
    CERTIFICATE_DECLARATION_RECORDED = "certificate.declaration_recorded", _("Customs declaration recorded")
    CERTIFICATE_EXHAUSTED = "certificate.exhausted", _("Certificate exhausted")
    INQUIRY_ANSWERED = "inquiry.answered", _("Inquiry answered")
    INQUIRY_OVERDUE = "inquiry.overdue", _("Inquiry overdue")
    SIGNING_KEY_ROTATED = "signing_key.rotated", _("Signing key rotated")
    SIGNING_KEY_REVOKED = "signing_key.revoked", _("Signing key revoked")
    LOG_CHECKPOINT_PUBLISHED = "log.checkpoint_published", _("Log checkpoint published")


# Mail that a user cannot switch off: losing it could let an invalid certificate pass.
ESSENTIAL_EMAIL_KINDS = frozenset(
    {
        EventType.CERTIFICATE_ISSUED,
        EventType.CERTIFICATE_REVOKED,
        EventType.CERTIFICATE_SUPERSEDED,
        EventType.SIGNING_KEY_REVOKED,
        "webhook.endpoint_disabled",
    }
)
ENDPOINT_DISABLED_KIND = "webhook.endpoint_disabled"


class Event(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(_("type"), max_length=40, choices=EventType.choices, db_index=True)
    data = models.JSONField(_("data"), encoder=DjangoJSONEncoder, default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.created_at:%Y-%m-%d %H:%M:%S}"


class WebhookEndpoint(models.Model):
    organization = models.ForeignKey(
        "certificates.Organization", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(_("event types"), default=list)
    active = models.BooleanField(_("active"), default=True)
    # Symmetric HMAC keys: the service must hold them to sign; they never leave it after creation.
    # Stored sealed under the KEK, bound to the endpoint's id (see ``secrets``); read and set them
    # through the ``secret`` and ``previous_secret`` properties.
    sealed_secret = models.BinaryField(editable=False, default=b"")
    sealed_previous_secret = models.BinaryField(editable=False, blank=True, default=b"")
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    failed_events = models.PositiveIntegerField(_("consecutive failed events"), default=0)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_reason = models.CharField(_("disabled reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.url} ({self.organization_id})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Seal what was set in clear; a new row is inserted first, since its id is the sealed data's."""
        pending = self._to_seal()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = [SEALED_FIELDS.get(name, name) for name in update_fields]
        if pending and self.pk is None:
            super().save(*args, **kwargs)
            args, kwargs = (), {"update_fields": [SEALED_FIELDS[name] for name in pending]}
        for name, value in pending.items():
            setattr(self, SEALED_FIELDS[name], secrets.secret_seal(value, endpoint_id=self.pk, field=name))
        pending.clear()
        super().save(*args, **kwargs)

    @property
    def secret(self) -> str:
        return self._plain("secret")

    @secret.setter
    def secret(self, value: str) -> None:
        self._to_seal()["secret"] = value

    @property
    def previous_secret(self) -> str:
        return self._plain("previous_secret")

    @previous_secret.setter
    def previous_secret(self, value: str) -> None:
        self._to_seal()["previous_secret"] = value

    def _plain(self, name: str) -> str:
        pending = self._to_seal()
        if name in pending:
            return pending[name]
        return secrets.secret_unseal(getattr(self, SEALED_FIELDS[name]), endpoint_id=self.pk, field=name)

    def _to_seal(self) -> dict[str, str]:
        """Secrets set in clear since the last save, sealed by the next one."""
        pending: dict[str, str] = self.__dict__.setdefault("_secrets_to_seal", {})
        return pending


# Property name → the column that holds it sealed.
SEALED_FIELDS = {"secret": "sealed_secret", "previous_secret": "sealed_previous_secret"}


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class OutboxRow(models.Model):
    """What webhook and e-mail deliveries share: status, attempts and the next due time."""

    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts in this round"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    # When the last message was published; the sweep re-queues rows whose message went missing.
    queued_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class WebhookDelivery(OutboxRow):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="webhook_deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    # The Standard Webhooks ``webhook-id``: identical on every retry so receivers can deduplicate.
    message_id = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("webhook delivery")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="one_delivery_per_endpoint")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return self.message_id


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    attempted_at = models.DateTimeField(_("attempted at"))
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), default=0)
    success = models.BooleanField(default=False)
    error = models.CharField(_("error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["-attempted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.attempted_at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"


class EmailNotification(OutboxRow):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, null=True, blank=True, related_name="emails")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=40)
    data = models.JSONField(encoder=DjangoJSONEncoder, default=dict)
    error = models.CharField(_("error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("e-mail notification")
        verbose_name_plural = _("e-mail notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    # Only non-essential mail can be switched off; see ESSENTIAL_EMAIL_KINDS.
    email_optional = models.BooleanField(_("receive non-essential e-mail"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"


class WebhookEndpointEvent(models.Model):
    """Audit row of an endpoint's configuration: registered, changed, secret rotated, disabled, deleted.

    It keeps the endpoint's id and URL rather than a foreign key, so the history outlives a deletion.
    """

    organization = models.ForeignKey(
        "certificates.Organization", on_delete=models.PROTECT, related_name="webhook_events"
    )
    endpoint_id = models.BigIntegerField(db_index=True)
    url = models.URLField(max_length=500)
    action = models.CharField(max_length=24)
    changed = models.JSONField(default=list, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    actor = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("webhook endpoint event")
        verbose_name_plural = _("webhook endpoint events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} endpoint {self.endpoint_id} ({self.url})"
