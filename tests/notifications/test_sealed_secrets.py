"""Webhook secrets are sealed under the KEK, bound to their endpoint, and re-wrapped with the keys."""

from __future__ import annotations

import base64
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from certificates.accounts.models import Organization
from certificates.notifications import services
from certificates.notifications.models import DeliveryStatus, EventType, WebhookAttempt, WebhookEndpoint
from signing import sealing
from signing.errors import KeyUnavailable
from tests.notifications.test_webhook_delivery import drive, emit_issued, register
from tests.signing.conftest import new_kek

pytestmark = pytest.mark.usefixtures("local_webhooks")


@pytest.fixture
def kek(settings):
    """A fresh KEK per test, as in the signing tests."""
    settings.SIGNING_KEK, settings.SIGNING_KEK_ID, settings.SIGNING_OLD_KEKS = new_kek(), "kek-test", ""
    return settings


def clear_forms(secret: str) -> list[bytes]:
    """The secret as text, and its key bytes raw, hex and base64 (the part after ``whsec_``)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    return [secret.encode(), secret.removeprefix("whsec_").encode(), key, key.hex().encode()]


def table_dump(table: str) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - a fixed table
        rows = cursor.fetchall()
    return b"\n".join(
        bytes(v) if isinstance(v, memoryview | bytes) else str(v).encode() for r in rows for v in r
    )


def test_no_secret_current_or_previous_is_stored_in_clear(kek, receiver, exporter_org):
    endpoint = register(receiver, exporter_org)
    first = endpoint.secret
    second, _ = services.webhook_endpoint_rotate_secret(endpoint=endpoint)

    dump = table_dump(WebhookEndpoint._meta.db_table)

    for form in clear_forms(first) + clear_forms(second):
        assert form not in dump
    stored = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert (stored.secret, stored.previous_secret) == (second, first)
    assert sealing.sealed_kek_id(bytes(stored.sealed_secret)) == "kek-test"


def test_a_delivery_signed_with_the_sealed_secret_verifies_at_the_receiver(kek, receiver, exporter_org):
    endpoint = register(receiver, exporter_org)
    emit_issued(exporter_org)

    assert drive(endpoint.deliveries.get()).status == DeliveryStatus.DELIVERED
    assert [request.verified for request in receiver.requests] == [True]


def test_after_a_rewrap_under_a_new_kek_deliveries_still_verify_without_the_old_one(
    kek, receiver, exporter_org
):
    endpoint = register(receiver, exporter_org)
    services.webhook_endpoint_rotate_secret(endpoint=endpoint)  # a previous secret to re-wrap too
    receiver.secret = WebhookEndpoint.objects.get(pk=endpoint.pk).secret
    kek.SIGNING_OLD_KEKS = f"kek-test:{kek.SIGNING_KEK}"
    kek.SIGNING_KEK, kek.SIGNING_KEK_ID = new_kek(), "kek-2"

    out = StringIO()
    call_command("signing_kek_rewrap", stdout=out)
    kek.SIGNING_OLD_KEKS = ""

    assert "webhook secrets: 2 sealed secret(s) re-wrapped under KEK kek-2" in out.getvalue()
    stored = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert {sealing.sealed_kek_id(bytes(stored.sealed_secret))} == {"kek-2"}
    assert sealing.sealed_kek_id(bytes(stored.sealed_previous_secret)) == "kek-2"
    emit_issued(exporter_org)
    assert drive(endpoint.deliveries.get()).status == DeliveryStatus.DELIVERED
    assert [request.verified for request in receiver.requests] == [True]
    assert services.webhook_secrets_rewrap() == 0


def test_a_sealed_secret_moved_to_another_endpoint_does_not_open(kek, receiver, exporter_org):
    mine = register(receiver, exporter_org)
    other, _ = services.webhook_endpoint_create(
        organization=exporter_org, url=receiver.url, event_types=[EventType.CERTIFICATE_ISSUED]
    )
    WebhookEndpoint.objects.filter(pk=other.pk).update(sealed_secret=bytes(mine.sealed_secret))

    with pytest.raises(KeyUnavailable, match="belongs elsewhere"):
        _ = WebhookEndpoint.objects.get(pk=other.pk).secret
    emit_issued(exporter_org)
    services.webhook_delivery_attempt(delivery_id=other.deliveries.get().pk)
    assert WebhookAttempt.objects.get(delivery__endpoint=other).error == "KeyUnavailable"
    assert [request.verified for request in receiver.requests] == []


def test_a_wrong_kek_fails_closed(kek, receiver, exporter_org):
    endpoint = register(receiver, exporter_org)
    kek.SIGNING_KEK = new_kek()

    with pytest.raises(KeyUnavailable):
        _ = WebhookEndpoint.objects.get(pk=endpoint.pk).secret


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_the_secrets_stored_in_clear(kek):
    executor = MigrationExecutor(connection)
    executor.migrate([("notifications", "0002_endpoint_events")])
    old_apps = executor.loader.project_state([("notifications", "0002_endpoint_events")]).apps
    # Organizations are the certificates app's, which stays migrated: its current model is the table's.
    organization = Organization.objects.create(name="Old Org", kind="exporter", country="UZ")
    old = old_apps.get_model("notifications", "WebhookEndpoint").objects.create(
        organization_id=organization.pk,
        url="https://93.184.215.14/old",
        event_types=["certificate.issued"],
        secret="whsec_" + base64.b64encode(b"c" * 32).decode(),
        previous_secret="whsec_" + base64.b64encode(b"p" * 32).decode(),
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    endpoint = WebhookEndpoint.objects.get(pk=old.pk)
    assert endpoint.secret == old.secret
    assert endpoint.previous_secret == old.previous_secret
    dump = table_dump(WebhookEndpoint._meta.db_table)
    for form in clear_forms(old.secret) + clear_forms(old.previous_secret):
        assert form not in dump
