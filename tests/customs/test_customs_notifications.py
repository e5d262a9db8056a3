"""Who hears of a certificate's use at the border (CONTRACT §10), over real local receivers.

Deliveries go to local HTTP receivers that check every Standard Webhooks signature; e-mail goes
through the ``send_email`` task to a local SMTP server. On PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from certificates.accounts.models import User
from certificates.customs.selectors import certificate_customs_watchers
from certificates.issuance import services as issuance
from certificates.notifications import services as notifications
from certificates.notifications import tasks
from certificates.notifications.models import DeliveryStatus, EmailNotification, Event, WebhookDelivery
from certificates.verification.models import Verification
from signing.times import rfc3339
from tests.applications.factories import UserFactory, api_client_for
from tests.customs.conftest import customs_of, declaration, declarations_url, line
from tests.issuance.helpers import issue
from tests.notifications.conftest import local_webhooks, smtp  # noqa: F401 (shared fixtures)
from tests.notifications.servers import WebhookReceiver, registered_receivers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db, pytest.mark.usefixtures("local_webhooks")]

RECORDED = "certificate.declaration_recorded"
EXHAUSTED = "certificate.exhausted"
REVOKED = "certificate.revoked"
SUPERSEDED = "certificate.superseded"
EVERY_TYPE = [RECORDED, EXHAUSTED, REVOKED, SUPERSEDED, "certificate.issued"]


@pytest.fixture
def hook():
    """``hook(organization)``: a receiver of its own, registered for every certificate event."""
    with registered_receivers(EVERY_TYPE) as register:
        yield register


def deliver_pending() -> None:
    """Attempt every pending delivery once, as the notifications worker would."""
    for delivery in WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).order_by("created_at"):
        notifications.webhook_delivery_attempt(delivery_id=delivery.pk)
    assert not WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).exists()


def received(receiver: WebhookReceiver) -> list[dict]:
    """The bodies the receiver got, each checked against its endpoint's secret."""
    assert all(request.verified for request in receiver.requests)
    return [json.loads(request.body) for request in receiver.requests]


def types(receiver: WebhookReceiver) -> list[str]:
    return sorted(body["type"] for body in received(receiver))


def mailed(event_type: str) -> set[str]:
    rows = EmailNotification.objects.filter(event__type=event_type)
    return set(rows.values_list("user__username", flat=True))


def record(client, certificate, *lines, number: str = "DT-0001"):
    body = declaration(number, lines=list(lines))
    response = client.post(declarations_url(certificate), body, format="json")
    assert response.status_code in (200, 201), response.content
    return response.json()


def seconds(moment: str) -> str:
    """An API time as event data carry it: RFC 3339 in UTC, to the second."""
    return rfc3339(datetime.fromisoformat(moment))


def verified_days_ago(user: User, certificate, days: int) -> None:
    """A real verification by ``user``, its record then moved ``days`` into the past."""
    response = api_client_for(user).post("/api/v1/verify/", {"number": certificate.number}, format="json")
    assert response.status_code == 200
    row = Verification.objects.filter(user=user, number=certificate.number).latest("id")
    row.created_at = timezone.now() - timedelta(days=days)
    row.save(update_fields=["created_at"])


def test_each_recorded_declaration_reaches_the_exporters_webhook_signed(
    certificate, exporter, customs_by, by_client, hook
):
    at_exporter, at_customs = hook(exporter.organization), hook(customs_by.organization)

    recorded = record(by_client, certificate, line(1, "200"))
    deliver_pending()

    [body] = received(at_exporter)
    assert body["type"] == RECORDED
    links = body["data"].pop("links")
    assert links["public"].endswith(f"/v/{certificate.number}")
    assert body["data"] == {
        "number": certificate.number,
        "declaration_id": recorded["id"],
        "declaration_number": "DT-0001",
        "declared_at": seconds(recorded["declared_at"]),
        "customs_office": "06611",
        "customs_organization": {"name": "State Customs Committee BY", "country": "BY"},
        "recorded_at": seconds(recorded["recorded_at"]),
        "lines": [
            {
                "item_line": 1,
                "hs_code": "52051200",
                "quantity": "200.000",
                "unit": "KGM",
                "remaining": "1000.500",
            }
        ],
        "certificate_status": "valid",
    }
    assert at_exporter.requests[0].headers["webhook-signature"].startswith("v1,")
    assert received(at_customs) == []  # the recording customs know already
    assert mailed(RECORDED) == set()  # webhooks only: no mail per truck


def test_a_refused_or_repeated_declaration_announces_nothing(certificate, exporter, by_client, hook):
    at_exporter = hook(exporter.organization)
    refused = by_client.post(
        declarations_url(certificate), declaration(lines=[line(1, "5000")]), format="json"
    )
    assert refused.status_code == 409
    assert not Event.objects.filter(type=RECORDED).exists()

    record(by_client, certificate, line(1, "5"))
    record(by_client, certificate, line(1, "5.000"))  # the same declaration again: 200
    deliver_pending()

    assert types(at_exporter) == [RECORDED]


def test_the_declaration_that_draws_the_last_of_every_item_exhausts_the_certificate_for_all_who_used_it(
    certificate,
    exporter,
    customs_by,
    by_client,
    hook,
    smtp,  # noqa: F811 (the imported fixture)
):
    exporter.language = "ru"
    exporter.save(update_fields=["language"])
    colleague = UserFactory(role=User.Role.EXPORTER, organization=exporter.organization)  # country UZ
    at_exporter, at_customs = hook(exporter.organization), hook(customs_by.organization)
    at_bystander = hook(customs_of("BY").organization)

    record(by_client, certificate, line(1, "1200.500"), number="DT-0001")
    assert not Event.objects.filter(type=EXHAUSTED).exists()
    last = record(by_client, certificate, line(2, "1200.500"), number="DT-0002")
    deliver_pending()

    assert last["certificate_status"] == "exhausted"
    assert types(at_exporter) == [RECORDED, RECORDED, EXHAUSTED]
    exhausted = next(body for body in received(at_exporter) if body["type"] == EXHAUSTED)
    assert exhausted["data"]["declaration_id"] == last["id"]
    assert exhausted["data"]["declaration_number"] == "DT-0002"
    assert types(at_customs) == [EXHAUSTED]
    assert received(at_bystander) == []
    assert mailed(EXHAUSTED) == {exporter.username, colleague.username}
    subjects = {}
    for email in EmailNotification.objects.filter(event__type=EXHAUSTED):
        tasks.send_email(email.pk)  # the Celery task's body, as the worker runs it
    for message in smtp.messages:
        subjects[message["To"]] = (message["Content-Language"], message["Subject"].strip())
    assert subjects == {
        exporter.email: ("ru", f"Сертификат {certificate.number} исчерпан"),
        colleague.email: ("uz", f"{certificate.number} raqamli sertifikat to‘liq ishlatildi"),
    }


@pytest.fixture
def customs_around(certificate, customs_by, by_client):
    """Customs organizations in every relation to ``certificate``, each with a user."""
    annulling = customs_of("BY")
    orgs = {
        "declared_and_verified": customs_by,
        "declared_then_annulled": annulling,
        "verified_10_days_ago": customs_of("UZ"),
        "verified_100_days_ago": customs_of("UZ"),
        "never_touched": customs_of("BY"),
    }
    record(by_client, certificate, line(1, "200"), number="DT-0001")
    record(by_client, certificate, line(1, "100"), number="DT-0002")
    verified_days_ago(customs_by, certificate, 10)
    verified_days_ago(customs_by, certificate, 3)
    annulled = record(api_client_for(annulling), certificate, line(2, "100"), number="DT-0009")
    api_client_for(annulling).post(
        f"/api/v1/declarations/{annulled['id']}/annul/", {"reason": "entered twice"}, format="json"
    )
    verified_days_ago(orgs["verified_10_days_ago"], certificate, 10)
    verified_days_ago(orgs["verified_100_days_ago"], certificate, 100)
    return orgs


def test_a_revocation_reaches_the_customs_that_declared_or_verified_lately_and_no_others(
    certificate, officer, exporter, customs_around, hook
):
    receivers = {name: hook(user.organization) for name, user in customs_around.items()}
    at_exporter = hook(exporter.organization)

    issuance.certificate_revoke(certificate=certificate, actor=officer, reason="wrong HS code")
    deliver_pending()

    got = {name: [body["type"] for body in received(receiver)] for name, receiver in receivers.items()}
    assert got == {
        "declared_and_verified": [REVOKED],  # once, though it both declared and verified
        "declared_then_annulled": [REVOKED],
        "verified_10_days_ago": [REVOKED],
        "verified_100_days_ago": [],
        "never_touched": [],
    }
    assert types(at_exporter) == [REVOKED]
    [revoked] = received(receivers["verified_10_days_ago"])
    assert revoked["data"]["number"] == certificate.number
    assert revoked["data"]["reason"] == "wrong HS code"
    watchers = {customs_around[name].username for name in got if got[name]}
    assert mailed(REVOKED) == {exporter.username, *watchers}


def test_a_supersession_reaches_the_customs_that_used_the_old_certificate(
    certificate, officer, make_submitted, customs_by, by_client, hook
):
    record(by_client, certificate, line(1, "200"))
    at_customs, at_bystander = hook(customs_by.organization), hook(customs_of("BY").organization)

    new = issue(make_submitted(replaces=certificate, items=2), officer)
    deliver_pending()

    [body] = received(at_customs)
    assert (body["type"], body["data"]["number"], body["data"]["superseded_by"]) == (
        SUPERSEDED,
        certificate.number,
        new.number,
    )
    assert received(at_bystander) == []


def test_the_watching_customs_are_read_in_one_query_however_many_they_are(
    certificate, customs_around, django_assert_num_queries
):
    with django_assert_num_queries(1):
        watchers = list(certificate_customs_watchers(certificate=certificate))
    expected = ["declared_and_verified", "declared_then_annulled", "verified_10_days_ago"]
    assert watchers == sorted((customs_around[name].organization for name in expected), key=lambda o: o.pk)
