from __future__ import annotations

from typing import Any

from rest_framework import serializers

from certificates.notifications.models import EventType, WebhookAttempt, WebhookDelivery, WebhookEndpoint


class WebhookEndpointInputSerializer(serializers.Serializer[Any]):
    """Shape only; whether the URL may be called is decided by the service (one SSRF check)."""

    url = serializers.URLField(max_length=500)
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices), allow_empty=False, max_length=len(EventType)
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)


class WebhookEndpointOutputSerializer(serializers.ModelSerializer[WebhookEndpoint]):
    """Never carries a secret; secrets appear only in the create and rotate responses."""

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "event_types",
            "active",
            "disabled_at",
            "disabled_reason",
            "previous_secret_expires_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class WebhookEndpointCreatedSerializer(WebhookEndpointOutputSerializer):
    secret = serializers.CharField(help_text="Shown only in this response: store it now.")

    class Meta(WebhookEndpointOutputSerializer.Meta):
        fields = [*WebhookEndpointOutputSerializer.Meta.fields, "secret"]


class SecretRotatedSerializer(serializers.Serializer[Any]):
    secret = serializers.CharField(help_text="The new secret, shown only in this response.")
    previous_secret_expires_at = serializers.DateTimeField(
        help_text="Until then deliveries are signed with both the new and the previous secret."
    )


class WebhookAttemptSerializer(serializers.ModelSerializer[WebhookAttempt]):
    class Meta:
        model = WebhookAttempt
        fields = ["attempted_at", "status_code", "latency_ms", "success", "error"]


class WebhookDeliverySerializer(serializers.ModelSerializer[WebhookDelivery]):
    event_id = serializers.UUIDField(source="event.id")
    event_type = serializers.CharField(source="event.type")
    webhook_id = serializers.CharField(source="message_id")
    attempt_log = WebhookAttemptSerializer(many=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "webhook_id",
            "event_id",
            "event_type",
            "status",
            "attempts",
            "next_attempt_at",
            "completed_at",
            "created_at",
            "attempt_log",
        ]


class NotificationPreferenceSerializer(serializers.Serializer[Any]):
    email_optional = serializers.BooleanField(
        help_text="Receive non-essential e-mail (application submitted, returned, rejected, approved; "
        "key rotated). Certificate issued/revoked/superseded and key revocation are always sent."
    )
