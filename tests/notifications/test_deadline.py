"""A receiver that trickles its answer cannot hold a delivery attempt past the total deadline."""

from __future__ import annotations

import time

import pytest

from certificates.notifications import services
from certificates.notifications.models import DeliveryStatus, EventType, WebhookAttempt
from tests.notifications.servers import Tarpit

pytestmark = pytest.mark.usefixtures("local_webhooks")


@pytest.fixture
def tarpit():
    with Tarpit(interval=0.5) as server:
        yield server


def test_a_trickling_receiver_is_cut_at_the_deadline_and_retried_later(settings, tarpit, exporter_org):
    settings.WEBHOOK_TOTAL_TIMEOUT_SECONDS = 2
    endpoint, _ = services.webhook_endpoint_create(
        organization=exporter_org, url=tarpit.url, event_types=[EventType.CERTIFICATE_ISSUED]
    )
    services.event_emit(
        type=EventType.CERTIFICATE_ISSUED, data={"number": "T-1"}, organizations=[exporter_org]
    )
    delivery = endpoint.deliveries.get()

    started = time.monotonic()
    services.webhook_delivery_attempt(delivery_id=delivery.pk)
    took = time.monotonic() - started

    assert tarpit.accepted == 1
    assert 1.9 <= took < 3.5, f"the attempt took {took:.1f} s against a 2 s deadline"
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert (attempt.success, attempt.status_code) == (False, None)
    assert attempt.error == "deadline: no complete answer within 2 s"
    assert 1900 <= attempt.latency_ms < 3500
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.next_attempt_at > attempt.attempted_at


def test_a_prompt_receiver_is_unaffected_by_the_deadline(settings, receiver, exporter_org):
    settings.WEBHOOK_TOTAL_TIMEOUT_SECONDS = 2
    endpoint, secret = services.webhook_endpoint_create(
        organization=exporter_org, url=receiver.url, event_types=[EventType.CERTIFICATE_ISSUED]
    )
    receiver.secret = secret
    services.event_emit(
        type=EventType.CERTIFICATE_ISSUED, data={"number": "T-2"}, organizations=[exporter_org]
    )

    services.webhook_delivery_attempt(delivery_id=endpoint.deliveries.get().pk)

    assert endpoint.deliveries.get().status == DeliveryStatus.DELIVERED
    assert [request.verified for request in receiver.requests] == [True]
