import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from certificates.notifications import dispatch, services, webhook_delivery
from certificates.notifications.models import (
    ENDPOINT_DISABLED_KIND,
    DeliveryStatus,
    EmailNotification,
    EventType,
    WebhookDelivery,
)
from certificates.notifications.webhook_receiver import verify_webhook

pytestmark = pytest.mark.usefixtures("local_webhooks")


def register(receiver, organization, event_types=("certificate.issued", "certificate.revoked")):
    endpoint, secret = services.webhook_endpoint_create(
        organization=organization, url=receiver.url, event_types=list(event_types)
    )
    receiver.secret = secret
    return endpoint


def emit_issued(organization, number="UZBY-2026-EX-000123"):
    services.event_emit(
        type=EventType.CERTIFICATE_ISSUED, data={"number": number}, organizations=[organization]
    )


def drive(delivery: WebhookDelivery, *, rounds: int = 20) -> WebhookDelivery:
    """Run attempts as the worker would, waiting for each retry to fall due."""
    for _ in range(rounds):
        services.webhook_delivery_attempt(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        if delivery.status != DeliveryStatus.PENDING:
            break
        time.sleep(max((delivery.next_attempt_at - timezone.now()).total_seconds(), 0) + 0.01)
    return delivery


def test_a_delivery_arrives_signed_with_the_standard_webhook_headers(receiver, exporter_org):
    endpoint = register(receiver, exporter_org)
    emit_issued(exporter_org)

    delivery = drive(endpoint.deliveries.get())

    assert delivery.status == DeliveryStatus.DELIVERED
    [request] = receiver.requests
    assert request.verified
    assert request.headers["webhook-id"] == delivery.message_id
    assert request.headers["webhook-signature"].startswith("v1,")
    body = json.loads(request.body)
    assert body["type"] == "certificate.issued"
    assert body["data"]["number"] == "UZBY-2026-EX-000123"
    assert body["data"]["links"]["pdf"].endswith("/api/v1/certificates/UZBY-2026-EX-000123/pdf")
    assert body["timestamp"].endswith("Z")
    [attempt] = delivery.attempt_log.all()
    assert (attempt.status_code, attempt.success) == (204, True)


def test_a_receiver_failing_its_first_attempts_gets_the_event_exactly_once(receiver, exporter_org):
    receiver.script = [(500, {}, b"busy")] * 3
    endpoint = register(receiver, exporter_org)
    emit_issued(exporter_org)

    delivery = drive(endpoint.deliveries.get())

    assert delivery.status == DeliveryStatus.DELIVERED
    assert len(receiver.requests) == 4
    assert {r.headers["webhook-id"] for r in receiver.requests} == {delivery.message_id}
    assert list(receiver.processed) == [delivery.message_id]
    codes = [a.status_code for a in delivery.attempt_log.order_by("attempted_at", "id")]
    assert codes == [500, 500, 500, 204]


def test_a_repeated_task_message_does_not_send_a_delivered_event_again(receiver, exporter_org):
    endpoint = register(receiver, exporter_org)
    emit_issued(exporter_org)
    delivery = drive(endpoint.deliveries.get())

    services.webhook_delivery_attempt(delivery_id=delivery.pk)
    services.webhook_delivery_attempt(delivery_id=delivery.pk)

    assert len(receiver.requests) == 1


def test_a_retry_that_is_not_yet_due_is_not_attempted_early(receiver, exporter_org, settings):
    settings.WEBHOOK_RETRY_SCHEDULE = (60,)
    receiver.script = [(503, {}, b"")]
    endpoint = register(receiver, exporter_org)
    emit_issued(exporter_org)
    delivery = endpoint.deliveries.get()
    services.webhook_delivery_attempt(delivery_id=delivery.pk)

    services.webhook_delivery_attempt(delivery_id=delivery.pk)

    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=50)


def test_410_gone_disables_the_endpoint_and_tells_its_organization(receiver, exporter_org, exporter):
    receiver.script = [(410, {}, b"gone")]
    endpoint = register(receiver, exporter_org)
    emit_issued(exporter_org, number="A-1")
    emit_issued(exporter_org, number="A-2")
    first, second = endpoint.deliveries.order_by("created_at", "id")

    drive(first)

    endpoint.refresh_from_db()
    assert not endpoint.active
    assert "410" in endpoint.disabled_reason
    second.refresh_from_db()
    assert second.status == DeliveryStatus.CANCELLED
    notice = EmailNotification.objects.get(kind=ENDPOINT_DISABLED_KIND)
    assert notice.user == exporter
    assert len(receiver.requests) == 1


def test_429_with_retry_after_schedules_the_next_attempt_after_it(receiver, exporter_org):
    receiver.script = [(429, {"Retry-After": "2"}, b"slow down")]
    endpoint = register(receiver, exporter_org)
    emit_issued(exporter_org)
    delivery = endpoint.deliveries.get()

    services.webhook_delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    attempt = delivery.attempt_log.get()
    assert attempt.status_code == 429
    assert delivery.next_attempt_at >= attempt.attempted_at + timedelta(seconds=2)
    services.webhook_delivery_attempt(delivery_id=delivery.pk)
    assert len(receiver.requests) == 1
    assert drive(delivery).status == DeliveryStatus.DELIVERED
    second = delivery.attempt_log.order_by("attempted_at").last()
    assert second.attempted_at >= attempt.attempted_at + timedelta(seconds=2)


def test_a_redirect_is_not_followed_and_counts_as_a_failure(receiver, exporter_org):
    receiver.script = [(302, {"Location": "/elsewhere"}, b"")]
    endpoint = register(receiver, exporter_org)
    emit_issued(exporter_org)
    delivery = endpoint.deliveries.get()

    services.webhook_delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempt_log.get().success is False
    assert [r.path for r in receiver.requests] == ["/hooks/certsvc"]


def test_only_a_short_excerpt_of_an_error_body_is_kept(receiver, exporter_org):
    receiver.script = [(500, {}, b"trace " * 2000)]
    endpoint = register(receiver, exporter_org)
    emit_issued(exporter_org)
    delivery = endpoint.deliveries.get()

    services.webhook_delivery_attempt(delivery_id=delivery.pk)

    error = delivery.attempt_log.get().error
    assert error.startswith("trace trace")
    assert len(error) <= 200


def test_an_event_failing_every_attempt_is_given_up(receiver, exporter_org):
    receiver.script = [(500, {}, b"")] * 10
    endpoint = register(receiver, exporter_org)
    emit_issued(exporter_org)

    delivery = drive(endpoint.deliveries.get())

    assert delivery.status == DeliveryStatus.FAILED
    assert len(receiver.requests) == 4  # the first attempt and three retries of FAST_SCHEDULE
    endpoint.refresh_from_db()
    assert endpoint.failed_events == 1
    assert endpoint.active


def test_an_endpoint_failing_several_events_in_a_row_is_disabled(receiver, exporter_org, exporter, settings):
    settings.WEBHOOK_DISABLE_AFTER_FAILED_EVENTS = 2
    settings.WEBHOOK_RETRY_SCHEDULE = (0.05,)
    receiver.script = [(500, {}, b"")] * 10
    endpoint = register(receiver, exporter_org)
    for number in ("B-1", "B-2"):
        emit_issued(exporter_org, number=number)
        drive(endpoint.deliveries.get(event__data__number=number))

    endpoint.refresh_from_db()
    assert not endpoint.active
    assert EmailNotification.objects.filter(kind=ENDPOINT_DISABLED_KIND, user=exporter).exists()


def test_an_endpoint_failing_for_longer_than_a_day_is_disabled(receiver, exporter_org):
    receiver.script = [(500, {}, b"")] * 10
    endpoint = register(receiver, exporter_org)
    endpoint.failing_since = timezone.now() - timedelta(hours=25)
    endpoint.save()
    emit_issued(exporter_org)

    services.webhook_delivery_attempt(delivery_id=endpoint.deliveries.get().pk)

    endpoint.refresh_from_db()
    assert not endpoint.active


def test_a_success_clears_the_failure_streak(receiver, exporter_org):
    receiver.script = [(500, {}, b"")]
    endpoint = register(receiver, exporter_org)
    emit_issued(exporter_org)
    drive(endpoint.deliveries.get())

    endpoint.refresh_from_db()
    assert (endpoint.failed_events, endpoint.failing_since) == (0, None)


def test_during_secret_rotation_deliveries_verify_with_the_old_and_the_new_secret(receiver, exporter_org):
    endpoint = register(receiver, exporter_org)
    old_secret = receiver.secret
    new_secret, _ = services.webhook_endpoint_rotate_secret(endpoint=endpoint)
    emit_issued(exporter_org)

    drive(endpoint.deliveries.get())

    [request] = receiver.requests
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    for secret in (old_secret, new_secret):
        assert (
            verify_webhook(secret=secret, headers=request.headers, body=request.body)["type"]
            == "certificate.issued"
        )


def test_after_the_overlap_only_the_new_secret_signs(receiver, exporter_org, settings):
    settings.WEBHOOK_SECRET_OVERLAP = timedelta(seconds=-1)
    endpoint = register(receiver, exporter_org)
    new_secret, _ = services.webhook_endpoint_rotate_secret(endpoint=endpoint)
    receiver.secret = new_secret
    emit_issued(exporter_org)

    drive(endpoint.deliveries.get())

    assert len(receiver.requests[0].headers["webhook-signature"].split(" ")) == 1
    assert receiver.requests[0].verified


def test_a_disabled_endpoint_gets_nothing_and_its_pending_deliveries_are_cancelled(receiver, exporter_org):
    endpoint = register(receiver, exporter_org)
    emit_issued(exporter_org)
    services.webhook_endpoint_update(endpoint=endpoint, active=False)

    delivery = drive(endpoint.deliveries.get())

    assert delivery.status == DeliveryStatus.CANCELLED
    assert receiver.requests == []


def test_redelivery_sends_the_same_webhook_id_again(receiver, exporter_org):
    endpoint = register(receiver, exporter_org)
    emit_issued(exporter_org)
    delivery = drive(endpoint.deliveries.get())

    services.webhook_delivery_redeliver(delivery=delivery)
    drive(delivery)

    assert [r.headers["webhook-id"] for r in receiver.requests] == [delivery.message_id] * 2
    assert len(receiver.processed) == 1


def test_an_endpoint_gets_only_the_event_types_it_subscribed_to(receiver, exporter_org):
    endpoint = register(receiver, exporter_org, event_types=["application.returned"])
    emit_issued(exporter_org)

    assert not endpoint.deliveries.exists()


def test_a_refused_connection_is_logged_as_a_failed_attempt(exporter_org):
    from tests.notifications.servers import free_port

    endpoint, _ = services.webhook_endpoint_create(
        organization=exporter_org,
        url=f"http://127.0.0.1:{free_port()}/hook",
        event_types=["certificate.issued"],
    )
    emit_issued(exporter_org)
    delivery = endpoint.deliveries.get()

    services.webhook_delivery_attempt(delivery_id=delivery.pk)

    attempt = delivery.attempt_log.get()
    assert attempt.status_code is None
    assert "Connection" in attempt.error
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING


def attempt_once(receiver, organization, retry_after: str) -> WebhookDelivery:
    receiver.script = [(429, {"Retry-After": retry_after}, b"slow down")]
    endpoint = register(receiver, organization)
    emit_issued(organization)
    delivery = endpoint.deliveries.get()
    services.webhook_delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


def test_a_retry_after_of_non_ascii_digits_means_the_default_backoff(receiver, exporter_org):
    delivery = attempt_once(receiver, exporter_org, "²")

    attempt = delivery.attempt_log.get()
    assert (delivery.attempts, attempt.status_code) == (1, 429)
    assert delivery.next_attempt_at <= attempt.attempted_at + timedelta(seconds=1)


def test_a_huge_retry_after_is_capped_at_a_day(receiver, exporter_org):
    delivery = attempt_once(receiver, exporter_org, "99999999999999999999")

    attempt = delivery.attempt_log.get()
    assert delivery.attempts == 1
    assert delivery.next_attempt_at <= attempt.attempted_at + timedelta(days=1, seconds=1)
    assert delivery.next_attempt_at >= attempt.attempted_at + timedelta(hours=23)


def test_a_retry_after_given_as_an_http_date_is_honoured(receiver, exporter_org):
    from email.utils import format_datetime

    later = timezone.now() + timedelta(hours=2)
    delivery = attempt_once(receiver, exporter_org, format_datetime(later, usegmt=True))

    assert abs(delivery.next_attempt_at - later) < timedelta(seconds=5)


def test_an_unexpected_error_while_sending_is_logged_as_a_failed_attempt(receiver, exporter_org):
    from tests.notifications.factories import WebhookEndpointFactory

    # A stored secret that is not base64: signing fails, outside any network error.
    endpoint = WebhookEndpointFactory(
        organization=exporter_org, url=receiver.url, secret="whsec_!!not-base64"
    )
    emit_issued(exporter_org)
    delivery = endpoint.deliveries.get()

    services.webhook_delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    attempt = delivery.attempt_log.get()
    assert (attempt.status_code, attempt.success, attempt.error) == (None, False, "Error")
    assert delivery.attempts == 1
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.next_attempt_at <= attempt.attempted_at + timedelta(seconds=1)
    assert receiver.requests == []


def test_deleting_an_endpoint_takes_its_pending_deliveries_with_it(receiver, exporter_org):
    endpoint = register(receiver, exporter_org)
    emit_issued(exporter_org)
    delivery = endpoint.deliveries.get()

    services.webhook_endpoint_delete(endpoint=endpoint)
    services.webhook_delivery_attempt(delivery_id=delivery.pk)

    assert not WebhookDelivery.objects.filter(pk=delivery.pk).exists()
    assert receiver.requests == []


def test_an_attempt_finishing_after_its_endpoint_was_deleted_records_nothing(receiver, exporter_org):
    from certificates.notifications.models import WebhookAttempt

    endpoint = register(receiver, exporter_org)
    emit_issued(exporter_org)
    delivery = WebhookDelivery.objects.select_related("endpoint", "event").get(endpoint=endpoint)
    assert dispatch.row_claim(WebhookDelivery, delivery.pk)  # a worker is now sending it
    response = webhook_delivery._webhook_send(delivery, timezone.now())

    services.webhook_endpoint_delete(endpoint=endpoint)
    webhook_delivery._record_attempt(delivery, response, timezone.now())

    assert response.ok
    assert not WebhookAttempt.objects.exists()
