import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from certificates.accounts.models import User
from certificates.notifications import services
from certificates.notifications.models import DeliveryStatus, EventType, WebhookDelivery, WebhookEndpoint
from tests.notifications.factories import OrganizationFactory, UserFactory, WebhookEndpointFactory

HOOK = "https://93.184.215.14/hooks/certsvc"


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        _, token = AuthToken.objects.create(user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def api(exporter):
    return client_for(exporter)


def create(api, **overrides):
    body = {"url": HOOK, "event_types": ["certificate.issued", "certificate.revoked"], **overrides}
    return api.post("/api/v1/webhooks/", body, format="json")


def test_exporter_registers_an_endpoint_and_sees_its_secret_once(api):
    response = create(api, description="ERP")

    assert response.status_code == 201
    secret = response.json()["secret"]
    assert secret.startswith("whsec_")
    endpoint_id = response.json()["id"]
    for path in ("/api/v1/webhooks/", f"/api/v1/webhooks/{endpoint_id}/"):
        later = api.get(path)
        assert later.status_code == 200
        assert secret not in later.content.decode()
        assert secret[6:] not in later.content.decode()
        assert b'secret"' not in later.content


def test_customs_users_manage_their_organizations_endpoints(customs_org):
    api = client_for(UserFactory(organization=customs_org, role=User.Role.CUSTOMS))

    assert create(api, event_types=["signing_key.revoked"]).status_code == 201
    assert WebhookEndpoint.objects.get().organization == customs_org


def test_officers_cannot_manage_webhooks(issuer_org):
    officer = UserFactory(organization=issuer_org, role=User.Role.OFFICER)

    response = create(client_for(officer))

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_anonymous_callers_cannot_list_webhooks(db):
    assert client_for(None).get("/api/v1/webhooks/").status_code == 401


def test_other_organizations_endpoints_are_not_found(api):
    foreign = WebhookEndpointFactory(organization=OrganizationFactory())
    base = f"/api/v1/webhooks/{foreign.pk}/"

    assert api.get("/api/v1/webhooks/").json()["count"] == 0
    assert api.get(base).status_code == 404
    assert api.patch(base, {"active": False}, format="json").status_code == 404
    assert api.delete(base).status_code == 404
    assert api.post(f"{base}rotate-secret/").status_code == 404
    assert api.get(f"{base}deliveries/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.active


def test_an_internal_url_is_refused_with_a_field_error(api, settings):
    settings.WEBHOOKS_ALLOW_HTTP = True

    response = create(api, url="http://[::ffff:127.0.0.1]:8000/admin/")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == ["url"]
    assert not WebhookEndpoint.objects.exists()


def test_unknown_event_types_are_refused(api):
    response = create(api, event_types=["certificate.printed"])

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "event_types.0"


def test_patch_changes_the_endpoint_and_checks_a_new_url(api, settings):
    endpoint_id = create(api).json()["id"]

    changed = api.patch(
        f"/api/v1/webhooks/{endpoint_id}/", {"event_types": ["application.returned"]}, format="json"
    )
    refused = api.patch(f"/api/v1/webhooks/{endpoint_id}/", {"url": "https://10.1.2.3/"}, format="json")

    assert changed.json()["event_types"] == ["application.returned"]
    assert refused.status_code == 400
    assert WebhookEndpoint.objects.get().url == HOOK


def test_delete_removes_the_endpoint(api):
    endpoint_id = create(api).json()["id"]

    assert api.delete(f"/api/v1/webhooks/{endpoint_id}/").status_code == 204
    assert not WebhookEndpoint.objects.exists()


def test_rotating_the_secret_shows_the_new_one_once_and_keeps_the_old_one_for_the_overlap(api):
    created = create(api).json()

    rotated = api.post(f"/api/v1/webhooks/{created['id']}/rotate-secret/")

    assert rotated.status_code == 200
    new_secret = rotated.json()["secret"]
    assert new_secret.startswith("whsec_")
    assert new_secret != created["secret"]
    assert rotated.json()["previous_secret_expires_at"]
    endpoint = WebhookEndpoint.objects.get()
    from django.utils import timezone

    assert services.webhook_signing_secrets(endpoint=endpoint, now=timezone.now()) == [
        new_secret,
        created["secret"],
    ]
    assert new_secret not in api.get(f"/api/v1/webhooks/{created['id']}/").content.decode()


def test_delivery_log_lists_every_attempt_and_redeliver_queues_it_again(api, exporter_org):
    endpoint = WebhookEndpoint.objects.get(pk=create(api).json()["id"])
    services.event_emit(
        type=EventType.CERTIFICATE_ISSUED, data={"number": "N-1"}, organizations=[exporter_org]
    )
    delivery = endpoint.deliveries.get()
    delivery.attempt_log.create(
        attempted_at=delivery.created_at, status_code=500, latency_ms=12, error="boom"
    )
    delivery.status = DeliveryStatus.FAILED
    delivery.save()

    log = api.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").json()["results"]
    redelivered = api.post(f"/api/v1/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/redeliver/")

    assert log[0]["webhook_id"] == delivery.message_id
    assert log[0]["event_type"] == "certificate.issued"
    assert log[0]["attempt_log"] == [
        {
            "attempted_at": log[0]["attempt_log"][0]["attempted_at"],
            "status_code": 500,
            "latency_ms": 12,
            "success": False,
            "error": "boom",
        }
    ]
    assert redelivered.status_code == 202
    assert redelivered.json()["status"] == "pending"
    assert redelivered.json()["webhook_id"] == delivery.message_id


def test_redeliver_of_another_organizations_delivery_is_not_found(api, exporter_org):
    mine = WebhookEndpoint.objects.get(pk=create(api).json()["id"])
    other_org = OrganizationFactory()
    theirs = WebhookEndpointFactory(organization=other_org)
    services.event_emit(type=EventType.CERTIFICATE_ISSUED, data={"number": "N-1"}, organizations=[other_org])
    their_delivery = theirs.deliveries.get()

    response = api.post(f"/api/v1/webhooks/{mine.pk}/deliveries/{their_delivery.pk}/redeliver/")

    assert response.status_code == 404


def test_notification_preferences_default_to_all_mail_and_can_opt_out(api, exporter):
    assert api.get("/api/v1/me/notification-preferences/").json() == {"email_optional": True}

    response = api.patch("/api/v1/me/notification-preferences/", {"email_optional": False}, format="json")

    assert response.json() == {"email_optional": False}
    assert exporter.notification_preference.email_optional is False


def test_the_schema_documents_the_webhook_endpoints(api):
    schema = client_for(None).get("/api/schema/?format=json")

    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/webhooks/{endpoint_id}/rotate-secret/" in paths
    assert "/api/v1/me/notification-preferences/" in paths


def test_activating_a_disabled_endpoint_clears_its_failure_record(api, exporter_org):
    endpoint = WebhookEndpoint.objects.get(pk=create(api).json()["id"])
    services.webhook_endpoint_disable(endpoint=endpoint, reason="Deliveries kept failing.")
    endpoint.refresh_from_db()
    assert api.get(f"/api/v1/webhooks/{endpoint.pk}/").json()["disabled_reason"] == "Deliveries kept failing."

    response = api.patch(f"/api/v1/webhooks/{endpoint.pk}/", {"active": True}, format="json")

    assert response.json()["active"] is True
    assert response.json()["disabled_at"] is None


def test_delete_goes_with_the_endpoints_pending_deliveries(api, exporter_org):
    endpoint_id = create(api).json()["id"]
    services.event_emit(
        type=EventType.CERTIFICATE_ISSUED, data={"number": "D-1"}, organizations=[exporter_org]
    )

    assert api.delete(f"/api/v1/webhooks/{endpoint_id}/").status_code == 204
    assert not WebhookDelivery.objects.exists()


def test_a_refused_url_is_explained_in_russian_when_asked(api):
    body = {"url": "https://10.1.2.3/", "event_types": ["certificate.issued"]}
    response = api.post("/api/v1/webhooks/", body, format="json", HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["field"] == "url"
    assert error["code"] == "unsafe_url"
    assert error["message"].startswith("Этот адрес вебхука не разрешён")


def test_every_endpoint_change_is_audited_and_outlives_the_endpoint(api, exporter):
    from certificates.notifications.models import WebhookEndpointEvent

    endpoint_id = create(api).json()["id"]
    api.patch(f"/api/v1/webhooks/{endpoint_id}/", {"description": "ERP"}, format="json")
    api.post(f"/api/v1/webhooks/{endpoint_id}/rotate-secret/")
    api.delete(f"/api/v1/webhooks/{endpoint_id}/")

    rows = list(WebhookEndpointEvent.objects.values_list("endpoint_id", "action", "changed", "actor"))
    who = exporter.get_username()
    assert rows == [
        (endpoint_id, "registered", [], who),
        (endpoint_id, "changed", ["description"], who),
        (endpoint_id, "secret_rotated", [], who),
        (endpoint_id, "deleted", [], who),
    ]
    assert "whsec_" not in str(list(WebhookEndpointEvent.objects.values()))
