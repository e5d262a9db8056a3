"""Mass assignment: server-owned fields sent by a client are refused by name and change nothing."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict

from certificates.applications.models import Application
from certificates.notifications.models import WebhookEndpoint
from tests.applications.factories import api_client_for, application_payload

SERVER_OWNED = {
    "status": "issued",
    "number": "UZBY-2026-EX-000001",
    "exporter": 1,
    "signed_at": "2026-01-01T00:00:00Z",
    "kid": "attacker-key",
    "id": 999999,
    "created_at": "2020-01-01T00:00:00Z",
}


def _snapshot(application: Application) -> dict:
    application.refresh_from_db()
    items = list(application.items.order_by("line").values())
    return {**model_to_dict(application), "updated_at": application.updated_at, "items": items}


def _fields_named(response) -> set[str]:
    return {error["field"] for error in response.json().get("errors", [])}


@pytest.mark.parametrize(("field", "value"), SERVER_OWNED.items())
def test_creating_an_application_with_a_server_owned_field_is_refused_by_name(world, field, value):
    before = Application.objects.count()
    client = api_client_for(world.exporter_a)
    body = application_payload(**{field: value, "exporter": world.exporter_b.organization_id}) | {
        field: value
    }
    if field != "exporter":
        body.pop("exporter")
    response = client.post("/api/v1/applications/", body, format="json")
    assert response.status_code == 400
    assert field in _fields_named(response)
    assert Application.objects.count() == before


@pytest.mark.parametrize(("field", "value"), SERVER_OWNED.items())
def test_patching_an_application_with_a_server_owned_field_is_refused_and_changes_nothing(
    world, field, value
):
    draft = world.applications["draft"]
    before = _snapshot(draft)
    client = api_client_for(world.exporter_a)
    body = {field: value, "transport": {"mode": "rail", "details": "changed"}}
    response = client.patch(f"/api/v1/applications/{draft.pk}/", body, format="json")
    assert response.status_code == 400
    assert field in _fields_named(response)
    assert _snapshot(draft) == before


def test_registering_a_webhook_for_another_organization_or_with_a_chosen_secret_does_neither(world):
    client = api_client_for(world.exporter_a)
    chosen_secret = "whsec_" + "A" * 32
    body = {
        "url": "https://93.184.216.34/hook",
        "event_types": ["certificate.issued"],
        "organization": world.exporter_b.organization_id,
        "secret": chosen_secret,
    }
    before = WebhookEndpoint.objects.filter(organization=world.exporter_b.organization).count()
    response = client.post("/api/v1/webhooks/", body, format="json")
    assert response.status_code in (201, 400)
    assert WebhookEndpoint.objects.filter(organization=world.exporter_b.organization).count() == before
    if response.status_code == 201:
        endpoint = WebhookEndpoint.objects.get(pk=response.json()["id"])
        assert endpoint.organization_id == world.exporter_a.organization_id
        assert response.json()["secret"] != chosen_secret
        assert endpoint.secret != chosen_secret


@pytest.mark.parametrize("field", ["organization", "secret"])
def test_patching_a_webhooks_organization_or_secret_changes_neither(world, field):
    endpoint = world.webhook_a
    before = WebhookEndpoint.objects.values().get(pk=endpoint.pk)
    value = world.exporter_b.organization_id if field == "organization" else "whsec_" + "B" * 32
    response = api_client_for(world.exporter_a).patch(
        f"/api/v1/webhooks/{endpoint.pk}/", {field: value}, format="json"
    )
    assert response.status_code in (200, 400)
    after = WebhookEndpoint.objects.values().get(pk=endpoint.pk)
    assert after["organization_id"] == before["organization_id"] == world.exporter_a.organization_id
    # The secret is stored sealed (notifications.secrets): the same blob, hence the same secret.
    assert bytes(after["sealed_secret"]) == bytes(before["sealed_secret"])
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == endpoint.secret
