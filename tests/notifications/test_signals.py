from datetime import timedelta

from django.utils import timezone

from certificates.accounts.models import User
from certificates.notifications.models import EmailNotification, Event, EventType
from signing.services import signing_key_revoke, signing_key_rotate
from tests.notifications.factories import UserFactory, WebhookEndpointFactory


def test_a_key_rotation_is_announced_to_customs_subscribers(customs_org, exporter_org):
    inspector = UserFactory(organization=customs_org, role=User.Role.CUSTOMS)
    UserFactory(organization=exporter_org)
    endpoint = WebhookEndpointFactory(organization=customs_org, event_types=["signing_key.rotated"])
    first = signing_key_rotate()

    second = signing_key_rotate()

    event = Event.objects.filter(type=EventType.SIGNING_KEY_ROTATED).order_by("created_at").last()
    assert event.data["kid"] == second.kid
    assert event.data["previous_kid"] == first.kid
    assert event.webhook_deliveries.get().endpoint == endpoint
    assert [e.user for e in event.emails.all()] == [inspector]


def test_a_key_revocation_is_announced_to_customs_subscribers(customs_org):
    inspector = UserFactory(organization=customs_org, role=User.Role.CUSTOMS)
    WebhookEndpointFactory(organization=customs_org, event_types=["signing_key.revoked"])
    key = signing_key_rotate()
    compromised_at = timezone.now() - timedelta(hours=1)

    signing_key_revoke(kid=key.kid, compromised_at=compromised_at, reason="key leaked")

    event = Event.objects.get(type=EventType.SIGNING_KEY_REVOKED)
    assert event.data["kid"] == key.kid
    assert event.data["reason"] == "key leaked"
    assert event.webhook_deliveries.count() == 1
    assert EmailNotification.objects.filter(event=event, user=inspector).exists()
