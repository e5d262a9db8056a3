"""Every workflow step records its event in the outbox, addressed to the right people."""

from __future__ import annotations

import pytest

from certificates.accounts.models import Organization, User
from certificates.applications.services import application_return, application_submit
from certificates.issuance import services as issuance
from certificates.notifications.models import EmailNotification, Event
from tests.applications.factories import ApplicationFactory, UserFactory, api_client_for
from tests.issuance.helpers import issue

pytestmark = pytest.mark.django_db


def recipients(event_type: str) -> set[str]:
    event = Event.objects.get(type=event_type)
    return set(EmailNotification.objects.filter(event=event).values_list("user__username", flat=True))


@pytest.fixture
def customs_officer(db):
    organization = Organization.objects.create(
        kind=Organization.Kind.CUSTOMS, name="BY customs", country="BY"
    )
    return UserFactory(role=User.Role.CUSTOMS, organization=organization)


def test_a_submission_is_announced_to_the_issuers_officers(officer, exporter):
    application = ApplicationFactory(exporter=exporter.organization, created_by=exporter)
    application_submit(application=application, actor=exporter)
    assert recipients("application.submitted") == {officer.username}
    assert Event.objects.get(type="application.submitted").data["application_id"] == application.pk


def test_a_return_tells_the_exporter_why(officer, exporter, make_submitted):
    application = make_submitted()
    application_return(application=application, actor=officer, reason="Invoice date is wrong")
    event = Event.objects.get(type="application.returned")
    assert event.data["reason"] == "Invoice date is wrong"
    assert recipients("application.returned") == {exporter.username}


def test_issue_and_revocation_reach_the_exporter_and_the_customs_that_verified_it(
    signing_key, officer, exporter, customs_officer, make_submitted
):
    elsewhere = Organization.objects.create(kind=Organization.Kind.CUSTOMS, name="UZ customs", country="UZ")
    UserFactory(role=User.Role.CUSTOMS, organization=elsewhere)
    certificate = issue(make_submitted(), officer)
    assert recipients("application.approved") == {exporter.username}
    assert recipients("certificate.issued") == {exporter.username}
    assert (
        Event.objects.get(type="certificate.issued")
        .data["links"]["pdf"]
        .endswith(f"/api/v1/certificates/{certificate.number}/pdf")
    )
    api_client_for(customs_officer).post("/api/v1/verify/", {"number": certificate.number}, format="json")
    issuance.certificate_revoke(certificate=certificate, actor=officer, reason="wrong HS code")
    assert recipients("certificate.revoked") == {exporter.username, customs_officer.username}
