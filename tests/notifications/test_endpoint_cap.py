"""An organization registers at most WEBHOOK_MAX_ENDPOINTS_PER_ORGANIZATION webhook endpoints."""

from __future__ import annotations

import pytest
from django.urls import reverse

from certificates.notifications.models import WebhookEndpoint
from tests.notifications.factories import OrganizationFactory, UserFactory, WebhookEndpointFactory
from tests.notifications.test_api import client_for, create


@pytest.fixture
def api(exporter):
    return client_for(exporter)


@pytest.mark.parametrize(
    ("language", "start"),
    [
        ("en", "The organization has reached its limit of webhook endpoints (10)"),
        ("ru", "Организация достигла предела адресов вебхуков (10)"),
        ("uz", "Tashkilot vebhuk manzillari chegarasiga yetdi (10)"),
    ],
)
def test_the_eleventh_endpoint_is_refused_with_a_translated_problem(api, exporter_org, language, start):
    for _ in range(10):
        assert create(api).status_code == 201

    response = api.post(
        "/api/v1/webhooks/",
        {"url": "https://93.184.215.14/eleventh", "event_types": ["certificate.issued"]},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "too_many_endpoints"
    assert body["detail"].startswith(start)
    assert WebhookEndpoint.objects.filter(organization=exporter_org).count() == 10


def test_the_cap_is_per_organization_and_a_deletion_makes_room(api, exporter_org, settings):
    settings.WEBHOOK_MAX_ENDPOINTS_PER_ORGANIZATION = 2
    WebhookEndpointFactory.create_batch(5, organization=OrganizationFactory())
    first = create(api).json()["id"]
    assert create(api).status_code == 201
    assert create(api).status_code == 400

    assert api.delete(f"/api/v1/webhooks/{first}/").status_code == 204
    assert create(api).status_code == 201


def test_the_admin_refuses_an_endpoint_past_the_cap_on_the_form(client, exporter_org, settings):
    settings.WEBHOOK_MAX_ENDPOINTS_PER_ORGANIZATION = 1
    WebhookEndpointFactory(organization=exporter_org)
    client.force_login(UserFactory(is_staff=True, is_superuser=True, role=""))

    response = client.post(
        reverse("admin:notifications_webhookendpoint_add"),
        {
            "organization": exporter_org.pk,
            "url": "https://93.184.215.14/in",
            "event_types": ["certificate.issued"],
        },
    )

    assert response.status_code == 200
    assert "reached its limit of webhook endpoints (1)" in response.content.decode()
    assert WebhookEndpoint.objects.filter(organization=exporter_org).count() == 1
