import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from certificates.notifications import services
from certificates.notifications.models import DeliveryStatus, EventType, WebhookDelivery, WebhookEndpoint
from tests.notifications.factories import UserFactory, WebhookEndpointFactory


@pytest.fixture
def admin_client_(client, db):
    admin = UserFactory(is_staff=True, is_superuser=True, role="")
    client.force_login(admin)
    return client


def test_adding_an_endpoint_shows_its_secret_on_that_page_only(admin_client_, exporter_org):
    response = admin_client_.post(
        reverse("admin:notifications_webhookendpoint_add"),
        {
            "organization": exporter_org.pk,
            "url": "https://93.184.215.14/in",
            "event_types": ["certificate.issued"],
            "active": "on",
            "description": "",
        },
    )

    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 200
    assert endpoint.secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    change = admin_client_.get(reverse("admin:notifications_webhookendpoint_change", args=[endpoint.pk]))
    changelist = admin_client_.get(reverse("admin:notifications_webhookendpoint_changelist"))
    for page in (change, changelist):
        assert endpoint.secret not in page.content.decode()
        assert endpoint.secret[6:20] not in page.content.decode()


def test_the_admin_refuses_an_internal_url(admin_client_, exporter_org):
    response = admin_client_.post(
        reverse("admin:notifications_webhookendpoint_add"),
        {
            "organization": exporter_org.pk,
            "url": "https://169.254.169.254/latest",
            "event_types": ["certificate.issued"],
        },
    )

    assert response.status_code == 200
    assert "not allowed" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_rotating_in_the_admin_shows_the_new_secret_once(admin_client_, exporter_org):
    endpoint = WebhookEndpointFactory(organization=exporter_org)
    old_secret = endpoint.secret

    response = admin_client_.post(
        reverse("admin:notifications_webhookendpoint_changelist"),
        {"action": "rotate_secret", "_selected_action": [endpoint.pk]},
    )

    endpoint.refresh_from_db()
    assert endpoint.secret != old_secret
    assert endpoint.previous_secret == old_secret
    assert endpoint.secret in response.content.decode()
    assert old_secret not in response.content.decode()


def test_the_delivery_admin_shows_attempts_and_redelivers(admin_client_, exporter_org):
    endpoint = WebhookEndpointFactory(organization=exporter_org)
    services.event_emit(
        type=EventType.CERTIFICATE_ISSUED, data={"number": "N-1"}, organizations=[exporter_org]
    )
    delivery = endpoint.deliveries.get()
    delivery.attempt_log.create(
        attempted_at=delivery.created_at, status_code=502, latency_ms=40, error="bad gateway"
    )
    delivery.status = DeliveryStatus.FAILED
    delivery.save()

    page = admin_client_.get(reverse("admin:notifications_webhookdelivery_change", args=[delivery.pk]))
    admin_client_.post(
        reverse("admin:notifications_webhookdelivery_changelist"),
        {"action": "redeliver", "_selected_action": [delivery.pk]},
    )

    assert "bad gateway" in page.content.decode()
    assert endpoint.secret not in page.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING


@pytest.mark.parametrize("model", ["event", "emailnotification", "notificationpreference", "webhookendpoint"])
def test_every_notifications_admin_page_opens(admin_client_, model):
    assert admin_client_.get(reverse(f"admin:notifications_{model}_changelist")).status_code == 200


def test_secrets_look_like_standard_webhook_secrets():
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/]{43}=", services.webhook_secret_generate())


def test_reenabling_an_endpoint_in_the_admin_clears_its_failure_streak(admin_client_, exporter_org):
    endpoint = WebhookEndpointFactory(organization=exporter_org, url="https://93.184.215.14/in")
    services.webhook_endpoint_disable(endpoint=endpoint, reason="Deliveries kept failing.")
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failed_events=5, failing_since=timezone.now())

    response = admin_client_.post(
        reverse("admin:notifications_webhookendpoint_change", args=[endpoint.pk]),
        {
            "url": endpoint.url,
            "event_types": endpoint.event_types,
            "description": "",
            "active": "on",
        },
    )

    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.active
    assert (endpoint.failed_events, endpoint.failing_since, endpoint.disabled_at) == (0, None, None)


def test_deleting_in_the_admin_removes_the_endpoint_and_its_deliveries(admin_client_, exporter_org):
    endpoint = WebhookEndpointFactory(organization=exporter_org)
    services.event_emit(
        type=EventType.CERTIFICATE_ISSUED, data={"number": "N-3"}, organizations=[exporter_org]
    )

    admin_client_.post(
        reverse("admin:notifications_webhookendpoint_delete", args=[endpoint.pk]), {"post": "yes"}
    )

    assert not WebhookEndpoint.objects.exists()
    assert not WebhookDelivery.objects.exists()


@pytest.fixture
def viewer_client(client, db):
    viewer = UserFactory(is_staff=True, role="")
    viewer.user_permissions.set(
        Permission.objects.filter(codename__in=["view_webhookendpoint", "view_webhookdelivery"])
    )
    client.force_login(viewer)
    return client


def test_a_view_only_staff_user_cannot_rotate_a_secret(viewer_client, exporter_org):
    endpoint = WebhookEndpointFactory(organization=exporter_org)
    changelist = reverse("admin:notifications_webhookendpoint_changelist")

    page = viewer_client.get(changelist)
    response = viewer_client.post(changelist, {"action": "rotate_secret", "_selected_action": [endpoint.pk]})

    assert page.status_code == 200
    assert "rotate_secret" not in page.content.decode()
    endpoint.refresh_from_db()
    assert endpoint.previous_secret == ""
    assert endpoint.secret not in response.content.decode()


def test_a_view_only_staff_user_cannot_redeliver(viewer_client, exporter_org):
    endpoint = WebhookEndpointFactory(organization=exporter_org)
    services.event_emit(
        type=EventType.CERTIFICATE_ISSUED, data={"number": "N-4"}, organizations=[exporter_org]
    )
    delivery = endpoint.deliveries.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED)
    changelist = reverse("admin:notifications_webhookdelivery_changelist")

    page = viewer_client.get(changelist)
    viewer_client.post(changelist, {"action": "redeliver", "_selected_action": [delivery.pk]})

    assert page.status_code == 200
    assert '"redeliver"' not in page.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
