"""The certificate as a W3C Verifiable Credential (CONTRACT §12), checked by outside libraries."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from certificates.credentials.services import certificate_credential_sign
from certificates.issuance.models import Certificate
from tests.credentials.outside import joserfc_verify, node_verify, resolve_kid
from tests.issuance.helpers import issue

pytestmark = pytest.mark.django_db

BASE = "http://127.0.0.1:8000"
DID = "did:web:127.0.0.1%3A8000:issuers:uz"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.PUBLIC_BASE_URL = BASE


def _credential(client, number: str):
    return client.get(f"/api/v1/certificates/{number}/credential")


def test_the_credential_is_a_vc_jwt_of_the_certificate_that_joserfc_verifies_with_the_body_did(
    certificate, exporter_client, anon_client
):
    response = _credential(exporter_client, certificate.number)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    token = response.content.decode()
    header, vc = joserfc_verify(token, resolve_kid(anon_client, token, DID))
    assert header == {"alg": "EdDSA", "kid": certificate.kid, "typ": "vc+jwt", "cty": "vc"}
    assert vc["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert {"VerifiableCredential", "DigitalConformityCredential"} <= set(vc["type"])
    assert vc["id"] == f"{BASE}/api/v1/certificates/{certificate.number}/credential"
    assert vc["issuer"] == DID
    assert vc["validFrom"] == certificate.document["issued_at"]
    assert vc["validUntil"] == f"{certificate.document['valid_until']}T23:59:59Z"
    assert vc["credentialSubject"] == {
        "id": f"{BASE}/v/{certificate.number}",
        "certificate": certificate.document,
    }
    status = vc["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert status["statusListIndex"] == str(certificate.status_list_index)
    assert status["statusListCredential"] == f"{BASE}/api/v1/status/revocation-list"


def test_node_jose_verifies_the_credential_with_the_key_the_did_document_holds(certificate, anon_client):
    token = certificate.credential
    header, vc = node_verify(token, resolve_kid(anon_client, token, DID))
    assert header["typ"] == "vc+jwt"
    assert header["cty"] == "vc"
    assert vc["credentialSubject"]["certificate"]["number"] == certificate.number


def test_node_jose_refuses_a_credential_whose_subject_was_altered(certificate, anon_client):
    head, payload, signature = certificate.credential.split(".")
    forged = f"{head}.{payload[:-4]}AAAA.{signature}"
    with pytest.raises(AssertionError, match="jose refused"):
        node_verify(forged, resolve_kid(anon_client, certificate.credential, DID))


def test_the_credential_is_signed_once_and_stored_not_signed_per_request(certificate, exporter_client):
    first = _credential(exporter_client, certificate.number).content
    again = certificate_credential_sign(number=certificate.number)
    assert again.credential == certificate.credential == first.decode()
    assert _credential(exporter_client, certificate.number).content == first


def test_a_certificate_whose_credential_is_not_signed_yet_answers_404(
    signing_key, officer, make_submitted, exporter_client
):
    issued = issue(make_submitted(), officer)
    response = _credential(exporter_client, issued.number)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_the_credential_has_the_access_of_the_document(certificate, other_exporter_client, anon_client):
    for path in ("document", "credential"):
        url = f"/api/v1/certificates/{certificate.number}/{path}"
        assert other_exporter_client.get(url).status_code == 404
        assert anon_client.get(url).status_code == 401


def test_status_list_indexes_are_taken_at_issue_and_never_reused(signing_key, officer, make_submitted):
    first = issue(make_submitted(), officer)
    second = issue(make_submitted(), officer)
    assert first.status_list_index is not None
    assert second.status_list_index > first.status_list_index
    Certificate.objects.filter(pk=second.pk).update(status_list_index=first.status_list_index + 100)
    third = issue(make_submitted(), officer)
    assert third.status_list_index not in {first.status_list_index, second.status_list_index}


def test_the_command_signs_the_credentials_of_existing_certificates_once(
    signing_key, officer, make_submitted, capsys
):
    issued = [issue(make_submitted(), officer) for _ in range(2)]
    call_command("credentials_backfill")
    assert "2 credential(s) signed" in capsys.readouterr().out
    tokens = [Certificate.objects.get(pk=c.pk).credential for c in issued]
    assert all(tokens)
    call_command("credentials_backfill")
    assert "0 credential(s) signed" in capsys.readouterr().out
    assert [Certificate.objects.get(pk=c.pk).credential for c in issued] == tokens


def test_the_openapi_schema_documents_the_credential_as_vc_jwt(anon_client):
    schema = anon_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/certificates/{number}/credential"]["get"]
    assert "application/vc+jwt" in operation["responses"]["200"]["content"]
    assert {"401", "403", "404"} <= set(operation["responses"])
