"""Signed receipts, what each kind of caller sees, recorded verifications and who may list them."""

from __future__ import annotations

import json

import pytest
import rfc8785
from django.utils import timezone
from joserfc import jws as jose_jws
from joserfc.jwk import KeySet

from certificates.accounts.models import User
from certificates.verification.models import Verification
from signing.models import SigningKey
from signing.services import signing_key_revoke
from tests.applications.factories import UserFactory, api_client_for
from tests.verification.helpers import VERIFY_URL, parts, tampered

pytestmark = pytest.mark.django_db

SUMMARY_KEYS = {"number", "type", "issued_at", "valid_from", "valid_until", "issuer"}
LONG_SUMMARY_KEYS = {*SUMMARY_KEYS, "exporter", "consignee", "items"}


def post(client, **body):
    response = client.post(VERIFY_URL, body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("kind", ["number", "document", "tampered"])
def test_receipt_verifies_with_joserfc_and_signs_the_response_without_it(
    client, anon_client, certificate, kind
):
    body = {
        "number": {"number": certificate.number},
        "document": {"document": certificate.jws},
        "tampered": {"document": tampered(certificate.jws)},
    }[kind]
    answer = post(anon_client, **body)
    jwks = client.get("/.well-known/jwks.json").json()

    verified = jose_jws.deserialize_compact(
        answer["receipt"], KeySet.import_key_set(jwks), algorithms=["EdDSA"]
    )

    without_receipt = {key: value for key, value in answer.items() if key != "receipt"}
    assert json.loads(verified.payload) == without_receipt
    assert verified.payload == rfc8785.dumps(without_receipt)
    assert verified.headers()["typ"] == "certsvc-receipt+jws"


def test_receipt_cannot_be_made_without_an_active_registry_key_so_the_answer_is_503(anon_client, certificate):
    registry = SigningKey.objects.get(status=SigningKey.Status.ACTIVE, issuer_country="")
    signing_key_revoke(kid=registry.kid, compromised_at=timezone.now(), reason="lost")
    assert SigningKey.objects.filter(status=SigningKey.Status.ACTIVE).get().issuer_country == "UZ"
    response = anon_client.post(VERIFY_URL, {"number": certificate.number}, format="json")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "signing_unavailable"


def test_anonymous_caller_by_number_gets_only_the_short_summary(anon_client, certificate):
    summary = post(anon_client, number=certificate.number)["certificate"]
    assert set(summary) == SUMMARY_KEYS
    assert summary["issuer"] == {
        "name": certificate.document["issuer"]["name"],
        "country": certificate.document["issuer"]["country"],
    }
    text = json.dumps(summary, ensure_ascii=False)
    for hidden in ("exporter", "consignee", "tax_id", "520512", certificate.document["exporter"]["name"]):
        assert hidden not in text


def test_anonymous_caller_by_document_gets_the_long_summary(anon_client, certificate):
    summary = post(anon_client, document=certificate.jws)["certificate"]
    assert set(summary) == LONG_SUMMARY_KEYS
    assert summary["exporter"] == {
        "name": certificate.document["exporter"]["name"],
        "country": certificate.document["exporter"]["country"],
    }
    item_members = {"line", "hs_code", "description", "quantity", "unit"}
    assert [set(item) for item in summary["items"]] == [item_members, item_members]
    assert [item["hs_code"] for item in summary["items"]] == ["520512", "520512"]
    assert certificate.document["exporter"]["tax_id"] not in json.dumps(summary)


def test_exporter_gets_only_the_summary(certificate, exporter):
    summary = post(api_client_for(exporter), number=certificate.number)["certificate"]
    assert set(summary) == SUMMARY_KEYS


@pytest.mark.parametrize("role", [User.Role.CUSTOMS, User.Role.OFFICER])
def test_customs_and_officers_get_the_full_document(certificate, role):
    answer = post(api_client_for(UserFactory(role=role)), document=certificate.jws)
    assert answer["certificate"] == certificate.document


def test_authenticated_verifications_are_recorded_and_anonymous_ones_are_not(
    anon_client, customs_client, customs_user, certificate
):
    post(anon_client, number=certificate.number)
    assert Verification.objects.count() == 0

    post(customs_client, number=certificate.number)
    post(customs_client, document=tampered(certificate.jws), at="2026-01-01T00:00:00Z")
    post(customs_client, number="UZBY-1999-EX-000001")

    rows = list(
        Verification.objects.order_by("id").values("user", "organization", "query", "number", "status")
    )
    assert rows == [
        {**row, "user": customs_user.pk, "organization": customs_user.organization_id}
        for row in [
            {"query": "number", "number": certificate.number, "status": "valid"},
            {"query": "document", "number": certificate.number, "status": "bad_signature"},
            {"query": "number", "number": "UZBY-1999-EX-000001", "status": "not_found"},
        ]
    ]
    assert Verification.objects.filter(at__isnull=False).count() == 1


def test_customs_lists_only_their_own_organizations_verifications(customs_client, customs_user, certificate):
    colleague = UserFactory(role=User.Role.CUSTOMS, organization=customs_user.organization)
    other_customs = UserFactory(role=User.Role.CUSTOMS)
    post(customs_client, number=certificate.number)
    post(api_client_for(colleague), number="UZBY-1999-EX-000001")
    post(api_client_for(other_customs), number=certificate.number)

    listed = customs_client.get("/api/v1/verifications/").json()

    assert listed["count"] == 2
    assert {row["user"] for row in listed["results"]} == {customs_user.username, colleague.username}
    assert {row["organization"] for row in listed["results"]} == {customs_user.organization.name}


def test_verification_list_filters_by_number_status_and_date(customs_client, certificate):
    post(customs_client, number=certificate.number)
    post(customs_client, number="UZBY-1999-EX-000001")
    today = timezone.now().date().isoformat()

    def count(query):
        return customs_client.get(f"/api/v1/verifications/?{query}").json()["count"]

    assert count(f"number={certificate.number}") == 1
    assert count("status=not_found") == 1
    assert count(f"date_from={today}&date_to={today}") == 2
    assert count("date_to=2000-01-01") == 0


def test_staff_see_every_verification_and_others_are_refused(certificate, customs_client, exporter):
    post(customs_client, number=certificate.number)
    post(api_client_for(UserFactory(role=User.Role.CUSTOMS)), number=certificate.number)
    admin = UserFactory(role="", is_staff=True)

    assert api_client_for(admin).get("/api/v1/verifications/").json()["count"] == 2
    assert api_client_for(exporter).get("/api/v1/verifications/").status_code == 403
    assert (
        api_client_for(UserFactory(role=User.Role.OFFICER)).get("/api/v1/verifications/").status_code == 403
    )
    assert api_client_for(None).get("/api/v1/verifications/").status_code == 401


def test_receipt_header_names_the_active_registry_key_not_the_bodys(anon_client, certificate, signing_key):
    header, _, _ = parts(post(anon_client, number=certificate.number)["receipt"])
    registry = SigningKey.objects.get(status=SigningKey.Status.ACTIVE, issuer_country="")
    assert header == {"alg": "EdDSA", "kid": registry.kid, "typ": "certsvc-receipt+jws"}
    assert registry.kid != signing_key.kid


def test_an_empty_date_filter_is_refused_not_ignored(customs_client):
    response = customs_client.get("/api/v1/verifications/?date_from=")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "date_from"
