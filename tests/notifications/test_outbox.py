"""The outbox: rows written with the change, published after commit, swept after a broker outage."""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from certificates.accounts.models import User
from certificates.notifications import dispatch, services
from certificates.notifications.models import (
    DeliveryStatus,
    EmailNotification,
    Event,
    EventType,
    WebhookDelivery,
)
from tests.notifications.factories import UserFactory, WebhookEndpointFactory
from tests.notifications.servers import ReceiverServer, SMTPServer, WebhookReceiver
from tests.services import publishing_to, require_redis, running_worker, subprocess_env, wait_until

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def broker_at(url: str):
    """Point the Celery app's publishing at ``url``."""
    return publishing_to(url)


def notification_worker(**env: str):
    return running_worker(
        env=subprocess_env(DJANGO_SETTINGS_MODULE="tests.notifications.worker_settings", **env)
    )


def test_an_event_rolled_back_with_its_change_leaves_nothing(
    exporter_org, exporter, django_capture_on_commit_callbacks
):
    WebhookEndpointFactory(organization=exporter_org)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):  # noqa: PT012
        with transaction.atomic():
            services.event_emit(
                type=EventType.CERTIFICATE_ISSUED, data={"number": "N"}, organizations=[exporter_org]
            )
            raise RuntimeError("the change failed")

    assert not Event.objects.exists()
    assert not EmailNotification.objects.exists()
    assert not WebhookDelivery.objects.exists()
    assert callbacks == []


def test_emit_writes_one_row_per_recipient_and_publishes_after_commit(
    exporter_org, exporter, customs_org, django_capture_on_commit_callbacks
):
    UserFactory(organization=exporter_org, email="")
    UserFactory(organization=exporter_org, is_active=False)
    customs_user = UserFactory(organization=customs_org, role=User.Role.CUSTOMS)
    mine = WebhookEndpointFactory(organization=exporter_org)
    theirs = WebhookEndpointFactory(organization=customs_org, event_types=["certificate.revoked"])
    WebhookEndpointFactory(organization=customs_org, active=False, event_types=["certificate.revoked"])
    WebhookEndpointFactory(organization=customs_org, event_types=["certificate.issued"])

    with django_capture_on_commit_callbacks() as callbacks:
        event = services.event_emit(
            type=EventType.CERTIFICATE_REVOKED,
            data={"number": "N-5", "reason": "typo"},
            organizations=[exporter_org],
            subscribers_of_kind="customs",
        )

    assert {e.user for e in event.emails.all()} == {exporter, customs_user}
    assert {d.endpoint for d in event.webhook_deliveries.all()} == {mine, theirs}
    assert len(callbacks) == 1
    assert event.data["links"]["public"].endswith("/v/N-5")


def test_organizations_told_on_webhooks_only_get_no_mail_and_one_delivery_per_endpoint(
    exporter_org, exporter, customs_org
):
    UserFactory(organization=customs_org, role=User.Role.CUSTOMS)
    exporters = WebhookEndpointFactory(organization=exporter_org, event_types=["certificate.exhausted"])
    customs = WebhookEndpointFactory(organization=customs_org, event_types=["certificate.exhausted"])

    event = services.event_emit(
        type=EventType.CERTIFICATE_EXHAUSTED,
        data={"number": "N-6"},
        organizations=[exporter_org],
        webhook_organizations=[customs_org, customs_org, exporter_org],
    )

    assert [e.user for e in event.emails.all()] == [exporter]
    assert sorted(d.endpoint_id for d in event.webhook_deliveries.all()) == sorted([exporters.pk, customs.pk])


def test_unknown_event_types_are_refused(exporter_org):
    with pytest.raises(ValueError, match=r"certificate\.printed"):
        services.event_emit(type="certificate.printed", data={}, organizations=[exporter_org])


def test_a_broker_outage_does_not_fail_or_hang_the_emitting_request(transactional_db, exporter_org, exporter):
    WebhookEndpointFactory(organization=exporter_org)
    started = time.monotonic()
    with broker_at(UNREACHABLE_BROKER), transaction.atomic():
        services.event_emit(
            type=EventType.CERTIFICATE_ISSUED, data={"number": "N-7"}, organizations=[exporter_org]
        )

    assert time.monotonic() - started < 5
    assert WebhookDelivery.objects.get().queued_at is None
    assert EmailNotification.objects.get().status == DeliveryStatus.PENDING


def test_the_sweep_publishes_due_rows_once_and_again_when_they_go_stale(exporter_org, exporter):
    require_redis()
    services.event_emit(
        type=EventType.CERTIFICATE_ISSUED, data={"number": "N-8"}, organizations=[exporter_org]
    )

    assert services.notifications_sweep() == 1
    assert services.notifications_sweep() == 0
    assert services.notifications_sweep(now=timezone.now() + timedelta(minutes=5)) == 1


@pytest.mark.worker
def test_a_real_worker_delivers_through_retries_exactly_once(transactional_db, exporter_org):
    require_redis()
    receiver = WebhookReceiver(script=[(500, {}, b"not yet")] * 2)
    with ReceiverServer(receiver) as server, notification_worker():
        endpoint = WebhookEndpointFactory(organization=exporter_org, url=server.url)
        receiver.secret = endpoint.secret
        with transaction.atomic():
            services.event_emit(
                type=EventType.CERTIFICATE_ISSUED, data={"number": "W-1"}, organizations=[exporter_org]
            )
        delivery = endpoint.deliveries.get()

        wait_until(lambda: receiver.processed, timeout=30, message="the receiver to accept the event")
        delivery.refresh_from_db()
        wait_until(
            lambda: WebhookDelivery.objects.get(pk=delivery.pk).status == DeliveryStatus.DELIVERED, timeout=10
        )

    assert len(receiver.requests) == 3
    assert {r.headers["webhook-id"] for r in receiver.requests} == {delivery.message_id}
    assert list(receiver.processed) == [delivery.message_id]


@pytest.mark.worker
def test_events_emitted_during_a_broker_outage_are_delivered_after_it(transactional_db, exporter_org):
    require_redis()
    exporter = UserFactory(organization=exporter_org, language="uz")
    receiver = WebhookReceiver()
    with ReceiverServer(receiver) as server, SMTPServer() as smtp:
        endpoint = WebhookEndpointFactory(organization=exporter_org, url=server.url)
        receiver.secret = endpoint.secret
        with broker_at(UNREACHABLE_BROKER), transaction.atomic():
            services.event_emit(
                type=EventType.CERTIFICATE_ISSUED, data={"number": "O-1"}, organizations=[exporter_org]
            )
        assert WebhookDelivery.objects.get().queued_at is None

        smtp_env = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port), "EMAIL_USE_TLS": "false"}
        with notification_worker(**smtp_env):
            assert services.notifications_sweep() == 2
            wait_until(lambda: receiver.processed and smtp.messages, timeout=30, message="webhook and e-mail")

    assert receiver.requests[0].verified
    assert smtp.inbox.recipients == [[exporter.email]]
    assert smtp.messages[0]["Subject"].strip() == "O-1 raqamli sertifikat berildi"
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}


def test_a_row_claimed_by_a_worker_that_died_is_swept_again_after_its_lease(exporter_org, exporter):
    require_redis()
    services.event_emit(
        type=EventType.CERTIFICATE_ISSUED, data={"number": "L-1"}, organizations=[exporter_org]
    )
    email = EmailNotification.objects.get()
    assert dispatch.row_claim(EmailNotification, email.pk)  # the worker crashes right after this

    assert services.notifications_sweep() == 0
    assert services.notifications_sweep(now=timezone.now() + timedelta(minutes=3)) == 1


def test_a_broker_outage_costs_one_publish_attempt_however_many_recipients(
    transactional_db, exporter_org, caplog
):
    for _ in range(20):
        UserFactory(organization=exporter_org)
    started = time.monotonic()
    with caplog.at_level("WARNING", logger="certificates.notifications.services"):
        with broker_at(UNREACHABLE_BROKER), transaction.atomic():
            services.event_emit(
                type=EventType.CERTIFICATE_ISSUED, data={"number": "N-20"}, organizations=[exporter_org]
            )
        with broker_at(UNREACHABLE_BROKER):
            swept_during_outage = services.notifications_sweep()

    assert time.monotonic() - started < 5
    assert len([r for r in caplog.records if "could not queue" in r.getMessage()]) == 2  # emit, sweep
    assert swept_during_outage == 0
    assert not EmailNotification.objects.filter(queued_at__isnull=False).exists()
    assert EmailNotification.objects.filter(status=DeliveryStatus.PENDING).count() == 20
    require_redis()
    assert services.notifications_sweep() == 20
    assert not EmailNotification.objects.filter(queued_at__isnull=True).exists()
