import datetime

import pytest
from django.utils import timezone

from certificates.api.models import IdempotencyKey
from certificates.applications.models import Application
from tests.applications.factories import UserFactory, api_client_for, application_payload

pytestmark = pytest.mark.django_db
URL = "/api/v1/applications/"


def create(client, payload, key):
    return client.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_retry_with_the_same_key_returns_the_first_response_and_creates_nothing(exporter):
    client = api_client_for(exporter)
    first = create(client, application_payload(), "order-42")
    retry = create(client, application_payload(), "order-42")
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert Application.objects.count() == 1


def test_same_key_with_a_different_body_is_422(exporter):
    client = api_client_for(exporter)
    create(client, application_payload(), "order-42")
    response = create(client, application_payload(type="import"), "order-42")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "idempotency_key_reused"
    assert Application.objects.count() == 1


def test_keys_are_scoped_per_user(exporter):
    colleague = UserFactory(role="exporter", organization=exporter.organization)
    create(api_client_for(exporter), application_payload(), "order-42")
    response = create(api_client_for(colleague), application_payload(), "order-42")
    assert response.status_code == 201
    assert Application.objects.count() == 2


def test_without_a_key_every_post_creates(exporter):
    client = api_client_for(exporter)
    client.post(URL, application_payload(), format="json")
    client.post(URL, application_payload(), format="json")
    assert Application.objects.count() == 2


def test_a_failed_request_frees_its_key_for_a_corrected_retry(exporter):
    client = api_client_for(exporter)
    assert create(client, application_payload(items=[]), "order-42").status_code == 400
    assert create(client, application_payload(), "order-42").status_code == 201
    assert IdempotencyKey.objects.get().response_status == 201


def test_expired_keys_are_forgotten(exporter):
    client = api_client_for(exporter)
    create(client, application_payload(), "order-42")
    IdempotencyKey.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert create(client, application_payload(), "order-42").status_code == 201
    assert Application.objects.count() == 2


def test_keys_expire_after_a_day(exporter):
    create(api_client_for(exporter), application_payload(), "order-42")
    record = IdempotencyKey.objects.get()
    assert record.expires_at - record.created_at == datetime.timedelta(hours=24)


def test_a_retry_while_the_first_is_still_running_is_a_conflict(exporter):
    IdempotencyKey.objects.create(
        user=exporter,
        scope="application-create",
        key="order-42",
        request_hash=_hash_of_first_request(exporter),
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    response = create(api_client_for(exporter), application_payload(), "order-42")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_progress"


def _hash_of_first_request(user):
    # Let a real request compute the hash, then mark its key as still in flight.
    create(api_client_for(user), application_payload(), "probe")
    probe = IdempotencyKey.objects.get(key="probe")
    Application.objects.all().delete()
    return probe.request_hash


def test_overlong_key_is_rejected(exporter):
    response = create(api_client_for(exporter), application_payload(), "k" * 256)
    assert response.status_code == 400
    assert Application.objects.count() == 0


def test_beat_purges_every_users_expired_keys_and_keeps_live_ones(exporter, other_exporter, settings):
    from certificates.api.tasks import idempotency_keys_purge_task

    for user, key in ((exporter, "old-1"), (other_exporter, "old-2"), (exporter, "live")):
        assert create(api_client_for(user), application_payload(), key).status_code == 201
    IdempotencyKey.objects.exclude(key="live").update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert idempotency_keys_purge_task() == 2
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["live"]
    entry = settings.CELERY_BEAT_SCHEDULE["idempotency-keys-purge"]
    assert entry["task"] == idempotency_keys_purge_task.name
