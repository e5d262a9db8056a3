"""POST /api/v1/verify/: every status of CONTRACT §4, by number and by document, and the request rules."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from certificates.accounts.models import Organization, User
from certificates.customs.matching import DeclaredLine
from certificates.customs.services import declaration_record
from certificates.issuance.models import Certificate
from certificates.issuance.services import certificate_revoke
from certificates.verification.services import STATUSES
from signing.services import signing_key_revoke, signing_key_rotate
from tests.applications.factories import UserFactory
from tests.issuance.helpers import issue
from tests.verification.helpers import (
    VERIFY_URL,
    parts,
    signed_by_service,
    signed_by_unknown_key,
    tampered,
    with_flipped_signature_byte,
    with_header,
)

pytestmark = pytest.mark.django_db

SEEN_STATUSES: set[str] = set()


def verify(client, **body):
    response = client.post(VERIFY_URL, body, format="json")
    assert response.status_code == 200, response.content
    answer = response.json()
    SEEN_STATUSES.add(answer["status"])
    assert answer["valid"] is (answer["status"] == "valid")
    return answer


def check(answer, name):
    return next(c for c in answer["checks"] if c["name"] == name)


def rfc3339(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_issued_certificate_is_valid_by_number_and_by_document(anon_client, certificate):
    for answer in (
        verify(anon_client, number=certificate.number),
        verify(anon_client, document=certificate.jws),
    ):
        assert answer["status"] == "valid"
        assert answer["valid"] is True
        assert answer["number"] == certificate.number
        assert all(c["ok"] for c in answer["checks"])
        names = [c["name"] for c in answer["checks"]]
        assert names[:5] == ["well_formed", "algorithm", "key_known", "signature", "key_not_revoked"]
        assert {"registry", "transparency_log", "status", "validity"} <= set(names)


def test_revoked_certificate_reports_date_and_reason(anon_client, certificate, officer):
    certificate_revoke(certificate=certificate, actor=officer, reason="wrong HS code")
    certificate.refresh_from_db()
    answer = verify(anon_client, number=certificate.number)
    assert answer["status"] == "revoked"
    assert answer["valid"] is False
    assert check(answer, "status") == {
        "name": "status",
        "ok": False,
        "detail": f"revoked {certificate.revoked_at.astimezone(UTC).date().isoformat()}: wrong HS code",
    }
    assert check(answer, "signature")["ok"] is True
    assert verify(anon_client, document=certificate.jws)["status"] == "revoked"


def test_revoked_certificate_was_valid_at_a_moment_before_its_revocation(anon_client, certificate, officer):
    certificate_revoke(certificate=certificate, actor=officer, reason="wrong HS code")
    revoked_at = certificate.issued_at + timedelta(hours=2)
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=revoked_at)

    before = verify(
        anon_client, number=certificate.number, at=rfc3339(certificate.issued_at + timedelta(hours=1))
    )
    after = verify(anon_client, document=certificate.jws, at=rfc3339(revoked_at + timedelta(minutes=1)))

    assert before["status"] == "valid"
    assert before["at"] == rfc3339(certificate.issued_at + timedelta(hours=1))
    assert after["status"] == "revoked"


def test_replaced_certificate_is_superseded_and_names_its_replacement(
    anon_client, certificate, officer, make_submitted
):
    replacement = issue(make_submitted(replaces=certificate), officer)
    answer = verify(anon_client, number=certificate.number)
    assert answer["status"] == "superseded"
    assert replacement.number in check(answer, "status")["detail"]
    assert verify(anon_client, number=replacement.number)["status"] == "valid"


def test_replaced_certificate_was_valid_before_its_replacement_was_issued(
    anon_client, certificate, officer, make_submitted
):
    replacement = issue(make_submitted(replaces=certificate), officer)
    replaced_at = certificate.issued_at + timedelta(days=1)
    Certificate.objects.filter(pk=replacement.pk).update(issued_at=replaced_at)
    before = rfc3339(replaced_at - timedelta(hours=1))
    assert verify(anon_client, number=certificate.number, at=before)["status"] == "valid"
    assert verify(anon_client, number=certificate.number, at=rfc3339(replaced_at))["status"] == "superseded"


def test_certificate_past_its_validity_is_expired(anon_client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        valid_from=date(2020, 1, 1), valid_until=date(2020, 12, 31)
    )
    answer = verify(anon_client, number=certificate.number)
    assert answer["status"] == "expired"
    assert check(answer, "validity") == {
        "name": "validity",
        "ok": False,
        "detail": "expired after 2020-12-31",
    }


def test_certificate_is_not_yet_valid_before_valid_from_or_before_it_was_issued(anon_client, certificate):
    before_issue = verify(
        anon_client, document=certificate.jws, at=rfc3339(certificate.issued_at - timedelta(days=1))
    )
    assert before_issue["status"] == "not_yet_valid"
    assert "not issued until" in check(before_issue, "validity")["detail"]

    Certificate.objects.filter(pk=certificate.pk).update(valid_from=timezone.now().date() + timedelta(days=5))
    assert verify(anon_client, number=certificate.number)["status"] == "not_yet_valid"


def test_unknown_number_is_not_found(anon_client, certificate):
    answer = verify(anon_client, number="UZBY-2026-EX-999999")
    assert answer == {**answer, "status": "not_found", "valid": False, "certificate": None}
    assert answer["number"] == "UZBY-2026-EX-999999"


def test_tampered_payload_has_a_bad_signature(anon_client, certificate):
    answer = verify(anon_client, document=tampered(certificate.jws))
    assert answer["status"] == "bad_signature"
    assert check(answer, "signature")["ok"] is False
    assert answer["certificate"] is None


def test_flipped_signature_byte_is_a_bad_signature(anon_client, certificate):
    assert (
        verify(anon_client, document=with_flipped_signature_byte(certificate.jws))["status"]
        == "bad_signature"
    )


def test_alg_none_is_refused_as_a_bad_signature(anon_client, certificate):
    header, _, _ = parts(certificate.jws)
    answer = verify(anon_client, document=with_header(certificate.jws, {**header, "alg": "none"}))
    assert answer["status"] == "bad_signature"
    assert check(answer, "algorithm") == {"name": "algorithm", "ok": False, "detail": "alg 'none' refused"}
    hs256 = verify(anon_client, document=with_header(certificate.jws, {**header, "alg": "HS256"}))
    assert hs256["status"] == "bad_signature"


def test_alg_none_without_signature_is_malformed(anon_client, certificate):
    header, _, _ = parts(certificate.jws)
    token = with_header(certificate.jws, {**header, "alg": "none"}).rsplit(".", 1)[0] + "."
    assert verify(anon_client, document=token)["status"] == "malformed"


def test_unknown_kid_is_unknown_key(anon_client, certificate):
    answer = verify(anon_client, document=signed_by_unknown_key(certificate.document))
    assert answer["status"] == "unknown_key"
    assert check(answer, "key_known")["ok"] is False


def test_certificate_signed_after_its_key_was_compromised_is_key_revoked(anon_client, certificate):
    signing_key_revoke(
        kid=certificate.kid, compromised_at=certificate.issued_at - timedelta(minutes=5), reason="HSM stolen"
    )
    signing_key_rotate()  # receipts need an active key
    assert verify(anon_client, number=certificate.number)["status"] == "key_revoked"
    assert verify(anon_client, document=certificate.jws)["status"] == "key_revoked"


def test_certificate_signed_before_its_key_was_compromised_stays_valid(anon_client, certificate):
    signing_key_revoke(kid=certificate.kid, compromised_at=timezone.now(), reason="leak found after issue")
    signing_key_rotate()
    assert verify(anon_client, document=certificate.jws)["status"] == "valid"


def test_correctly_signed_document_that_differs_from_the_record_is_a_registry_mismatch(
    anon_client, certificate
):
    forged = {**certificate.document, "consignee": {**certificate.document["consignee"], "name": "Other LLC"}}
    answer = verify(anon_client, document=signed_by_service(forged))
    assert answer["status"] == "registry_mismatch"
    assert check(answer, "signature")["ok"] is True
    assert check(answer, "registry")["ok"] is False


def test_correctly_signed_document_with_an_unknown_number_is_a_registry_mismatch(anon_client, certificate):
    unknown = {**certificate.document, "number": "UZBY-2026-EX-424242"}
    answer = verify(anon_client, document=signed_by_service(unknown))
    assert answer["status"] == "registry_mismatch"
    assert answer["number"] == "UZBY-2026-EX-424242"
    assert answer["certificate"] is None


@pytest.mark.parametrize("document", ["not a jws", "a.b.c", "e30.e30.AAAA", "x" * 100])
def test_garbage_document_is_malformed(anon_client, certificate, document):
    answer = verify(anon_client, document=document)
    assert answer["status"] == "malformed"
    assert answer["number"] is None
    assert answer["checks"][0]["name"] == "well_formed"


def test_receipt_or_bundle_presented_as_a_certificate_is_malformed(anon_client, certificate):
    receipt = verify(anon_client, number=certificate.number)["receipt"]
    assert verify(anon_client, document=receipt)["status"] == "malformed"


def test_certificate_with_nothing_left_on_any_item_is_exhausted(anon_client, certificate):
    customs = UserFactory(
        role=User.Role.CUSTOMS,
        organization=Organization.objects.create(
            kind=Organization.Kind.CUSTOMS, name="BY customs", country="BY"
        ),
    )
    items = certificate.document["items"]
    declaration_record(
        certificate=certificate,
        actor=customs,
        declaration_number="DT-1",
        declared_at=timezone.now(),
        customs_office="06611",
        lines=[DeclaredLine(i["line"], i["hs_code"], Decimal(i["quantity"]), i["unit"]) for i in items],
    )
    answer = verify(anon_client, number=certificate.number)
    assert (answer["valid"], answer["status"]) == (False, "exhausted")
    assert check(answer, "status")["ok"] is False


def test_every_status_of_the_contract_is_produced():
    # Runs after the tests above in this module (pytest keeps file order).
    assert set(STATUSES) == SEEN_STATUSES


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, ""),
        ({"number": "X", "document": "a.b.c"}, ""),
        ({"number": "X", "extra": 1}, "extra"),
        ({"number": "X", "at": "2026-11-28"}, "at"),
        ({"number": "X", "at": "2026-11-28T10:15:00"}, "at"),
        ({"number": "X", "at": "yesterday"}, "at"),
        ({"document": "x" * (64 * 1024 + 1)}, "document"),
    ],
)
def test_malformed_request_is_a_400_problem(anon_client, body, field):
    response = anon_client.post(VERIFY_URL, body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert field in [error["field"] for error in response.json()["errors"]]


def test_non_object_body_is_a_400_problem(anon_client):
    response = anon_client.post(VERIFY_URL, ["number"], format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")


def test_at_accepts_offsets_other_than_utc(anon_client, certificate):
    moment = (certificate.issued_at + timedelta(hours=1)).astimezone(UTC)
    answer = verify(anon_client, number=certificate.number, at=moment.strftime("%Y-%m-%dT%H:%M:%S+00:00"))
    assert answer["status"] == "valid"


def _rates(**changes):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **changes}
    return override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates})


def test_anonymous_callers_are_throttled_by_address(anon_client, certificate):
    with _rates(verify_anon="2/min"):
        codes = [
            anon_client.post(
                VERIFY_URL, {"number": certificate.number}, format="json", REMOTE_ADDR="198.51.100.1"
            )
            for _ in range(3)
        ]
        elsewhere = anon_client.post(
            VERIFY_URL, {"number": certificate.number}, format="json", REMOTE_ADDR="198.51.100.2"
        )
    assert [response.status_code for response in codes] == [200, 200, 429]
    assert codes[-1]["Content-Type"].startswith("application/problem+json")
    assert "Retry-After" in codes[-1]
    assert elsewhere.status_code == 200


def test_authenticated_callers_have_their_own_higher_rate(customs_client, anon_client, certificate):
    with _rates(verify_anon="1/min", verify_user="3/min"):
        anon = [anon_client.post(VERIFY_URL, {"number": certificate.number}, format="json") for _ in range(2)]
        user = [
            customs_client.post(VERIFY_URL, {"number": certificate.number}, format="json") for _ in range(4)
        ]
    assert [r.status_code for r in anon] == [200, 429]
    assert [r.status_code for r in user] == [200, 200, 200, 429]


def test_every_path_shows_the_signed_document_not_a_registry_column_altered_alone(
    anon_client, customs_client, certificate
):
    signed = certificate.document
    altered = {**signed, "items": [{**item, "quantity": "999999"} for item in signed["items"]]}
    altered["exporter"] = {**signed["exporter"], "name": "Someone Else LLC"}
    Certificate.objects.filter(pk=certificate.pk).update(document=altered)
    code = certificate.access_code
    answers = [
        verify(customs_client, number=certificate.number),  # the full document, by the framework
        verify(customs_client, document=certificate.jws),
        verify(anon_client, number=certificate.number, access_code=code),  # the long summary
        verify(anon_client, number=certificate.number),  # the fast path, twice
        verify(anon_client, number=certificate.number),
    ]
    assert {answer["status"] for answer in answers} == {"valid"}
    for answer in answers[:2]:
        assert answer["certificate"]["items"] == signed["items"]
        assert answer["certificate"]["exporter"] == signed["exporter"]
    assert answers[2]["certificate"]["exporter"]["name"] == signed["exporter"]["name"]
    assert [item["quantity"] for item in answers[2]["certificate"]["items"]] == [
        item["quantity"] for item in signed["items"]
    ]
