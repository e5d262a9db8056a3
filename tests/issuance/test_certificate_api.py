"""The certificate endpoints of CONTRACT §7: who sees what, the JWS, the PDF, revocation, replacement."""

from __future__ import annotations

import pytest

from certificates.accounts.models import User
from certificates.applications.models import Application
from certificates.issuance.models import Certificate, IssuanceOrder
from certificates.issuance.tasks import sign_certificate
from tests.applications.factories import ApplicationFactory, UserFactory, api_client_for
from tests.issuance.helpers import issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(signing_key, officer, make_submitted):
    return issue(make_submitted(items=2), officer)


def url(certificate: Certificate, suffix: str = "") -> str:
    return f"/api/v1/certificates/{certificate.number}/{suffix}"


def test_exporter_lists_only_its_own_organizations_certificates(certificate, exporter, officer):
    stranger = UserFactory(role=User.Role.EXPORTER)
    other = issue(
        ApplicationFactory(exporter=stranger.organization, created_by=stranger, status="submitted"), officer
    )
    own = api_client_for(exporter).get("/api/v1/certificates/").json()
    assert [row["number"] for row in own["results"]] == [certificate.number]
    assert api_client_for(stranger).get(url(certificate)).status_code == 404
    assert api_client_for(exporter).get(url(other, "document")).status_code == 404


@pytest.mark.parametrize("role", [User.Role.OFFICER, User.Role.CUSTOMS])
def test_officers_and_customs_see_every_certificate(certificate, role):
    response = api_client_for(UserFactory(role=role)).get("/api/v1/certificates/")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_anonymous_callers_are_refused_with_a_problem(certificate):
    response = api_client_for(None).get("/api/v1/certificates/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_detail_shows_the_document_history_and_links(certificate, exporter):
    body = api_client_for(exporter).get(url(certificate)).json()
    assert body["status"] == "issued"
    assert body["document"] == certificate.document
    assert [event["action"] for event in body["events"]] == ["issued"]
    assert body["links"]["document"] == f"/api/v1/certificates/{certificate.number}/document"


def test_document_is_the_jws_as_application_jose(certificate, exporter):
    response = api_client_for(exporter).get(url(certificate, "document"), HTTP_ACCEPT="application/jose")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jose"
    assert response.content.decode() == certificate.jws


def test_pdf_is_served_from_storage(certificate, exporter, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = api_client_for(exporter).get(url(certificate, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    certificate.refresh_from_db()
    assert certificate.pdf.name.endswith(".pdf")


def test_list_filters_by_status_and_hs_code(certificate, officer):
    client = api_client_for(officer)
    assert client.get("/api/v1/certificates/?status=revoked").json()["count"] == 0
    assert client.get("/api/v1/certificates/?hs_code=5205").json()["count"] == 1
    assert client.get("/api/v1/certificates/?hs_code=8471").json()["count"] == 0


def test_officer_revokes_with_a_reason_once(certificate, officer):
    client = api_client_for(officer)
    assert client.post(url(certificate, "revoke/"), {}, format="json").status_code == 400
    response = client.post(url(certificate, "revoke/"), {"reason": "wrong HS code"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    again = client.post(url(certificate, "revoke/"), {"reason": "again"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"


@pytest.mark.parametrize("role", [User.Role.EXPORTER, User.Role.CUSTOMS])
def test_only_officers_revoke(certificate, role, exporter):
    user = exporter if role == User.Role.EXPORTER else UserFactory(role=role)
    response = api_client_for(user).post(url(certificate, "revoke/"), {"reason": "x"}, format="json")
    assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED


def test_officer_replacement_supersedes_the_old_certificate_once_issued(certificate, officer):
    corrected = {"transport": {"mode": "rail", "details": "Wagon 52345678"}}
    response = api_client_for(officer).post(url(certificate, "replace/"), corrected, format="json")
    assert response.status_code == 202, response.content
    replacement = Application.objects.get(pk=response.json()["id"])
    assert replacement.status == Application.Status.APPROVED
    assert replacement.items.count() == 2

    sign_certificate.run(IssuanceOrder.objects.get(application=replacement).pk)
    new = Certificate.objects.get(application=replacement)
    certificate.refresh_from_db()
    assert new.document["replaces"] == certificate.number
    assert new.document["transport"] == {"mode": "rail", "details": "Wagon 52345678"}
    assert certificate.status == Certificate.Status.SUPERSEDED
    assert certificate.superseded_by == new


def test_exporter_can_apply_for_a_replacement_of_its_own_certificate(certificate, exporter, officer):
    from tests.applications.factories import application_payload

    payload = application_payload(replaces=certificate.number)
    response = api_client_for(exporter).post("/api/v1/applications/", payload, format="json")
    assert response.status_code == 201, response.content
    replacement = Application.objects.get(pk=response.json()["id"])
    assert replacement.replaces == certificate


def test_revoke_refuses_unknown_members_by_name(certificate, officer):
    response = api_client_for(officer).post(
        url(certificate, "revoke/"), {"reason": "x", "status": "issued"}, format="json"
    )
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["status"]
