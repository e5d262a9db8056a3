"""Recording a customs declaration against a certificate (CONTRACT §10): shape, matching, validity, audit."""

from __future__ import annotations

import base64
import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from certificates.audit import audit_verify
from certificates.customs.models import Declaration, ItemUsage
from certificates.issuance.history import CERTIFICATE_STREAM
from certificates.issuance.models import Certificate
from certificates.issuance.services import certificate_revoke
from signing.times import rfc3339
from signing.transparency.models import LogLeaf
from tests.applications.factories import api_client_for
from tests.customs.conftest import declaration, declarations_url, line
from tests.issuance.helpers import issue

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _used(certificate) -> dict[int, Decimal]:
    return dict(ItemUsage.objects.filter(certificate=certificate).values_list("item_line", "used"))


def _jws_parts(leaf: LogLeaf) -> tuple[dict, dict]:
    header, body = bytes(leaf.entry).decode("ascii").split(".")[:2]
    return tuple(
        json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))) for part in (header, body)
    )


def test_destination_customs_record_a_declaration_and_get_it_back_as_the_contract_shows(
    certificate, by_client, customs_by
):
    response = by_client.post(
        declarations_url(certificate),
        declaration(lines=[line(quantity="200"), line(2, "0.5")]),
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {
        "id",
        "number",
        "declaration_number",
        "declared_at",
        "customs_office",
        "customs_organization",
        "status",
        "recorded_at",
        "annulled_at",
        "annul_reason",
        "lines",
        "certificate_status",
    }
    assert body["number"] == certificate.number
    assert body["customs_organization"] == {"name": customs_by.organization.name, "country": "BY"}
    assert (body["status"], body["annulled_at"], body["annul_reason"]) == ("recorded", None, None)
    assert body["certificate_status"] == "valid"
    assert body["lines"] == [
        {
            "item_line": 1,
            "hs_code": "52051200",
            "quantity": "200.000",
            "unit": "KGM",
            "result": "match",
            "remaining": "1000.500",
        },
        {
            "item_line": 2,
            "hs_code": "52051200",
            "quantity": "0.500",
            "unit": "KGM",
            "result": "match",
            "remaining": "1200.000",
        },
    ]
    assert _used(certificate) == {1: Decimal("200.000"), 2: Decimal("0.500")}


def test_a_recording_is_an_audit_event_of_the_certificate_and_a_signed_log_event(certificate, by_client):
    leaves_before = LogLeaf.objects.count()
    by_client.post(declarations_url(certificate), declaration(), format="json")

    event = certificate.events.order_by("-id").first()
    assert (event.action, event.reason, event.from_status, event.to_status) == (
        "declaration",
        "06611 DT-0001",
        "",
        "",
    )
    statuses = dict(Certificate.objects.values_list("pk", "status"))
    assert list(audit_verify(stream=CERTIFICATE_STREAM, owner_statuses=statuses)) == []
    leaves = list(LogLeaf.objects.filter(index__gte=leaves_before))
    assert len(leaves) == 1
    header, payload = _jws_parts(leaves[0])
    assert header["typ"] == "certsvc-log-event+jws"
    assert payload | {"at": None} == {
        "event": "declaration",
        "number": certificate.number,
        "declaration_number": "DT-0001",
        "customs_office": "06611",
        "lines": [{"item_line": 1, "hs_code": "52051200", "quantity": "200.000", "unit": "KGM"}],
        "at": None,
    }


def test_only_customs_of_the_country_of_destination_record(certificate, customs_uz, officer, exporter):
    url = declarations_url(certificate)
    answers = {
        who: api_client_for(user).post(url, declaration(), format="json")
        for who, user in (("customs_uz", customs_uz), ("officer", officer), ("exporter", exporter))
    }
    assert {who: answer.status_code for who, answer in answers.items()} == {
        "customs_uz": 403,
        "officer": 403,
        "exporter": 403,
    }
    assert answers["customs_uz"].json()["code"] == "not_destination_customs"
    assert api_client_for(None).post(url, declaration(), format="json").status_code == 401
    assert not Declaration.objects.exists()


def _fields(response) -> dict[str, str]:
    assert response.status_code == 400, response.json()
    return {error["field"]: error["code"] for error in response.json()["errors"]}


@pytest.mark.parametrize(
    ("bad_line", "field", "code"),
    [
        (line(quantity="-5"), "lines.0.quantity", "not_string"),
        (line(quantity="5.0001"), "lines.0.quantity", "max_decimal_places"),
        (line(quantity="0"), "lines.0.quantity", "not_positive"),
        (line() | {"quantity": 5}, "lines.0.quantity", "not_string"),
        (line(hs_code="5205"), "lines.0.hs_code", "invalid_hs_code"),
        (line(hs_code="5205120"), "lines.0.hs_code", "invalid_hs_code"),
        (line(unit="XXX"), "lines.0.unit", "invalid_unit"),
        (line() | {"weight": "1"}, "lines.0.weight", "invalid"),
    ],
)
def test_malformed_lines_are_a_400_naming_the_field(certificate, by_client, bad_line, field, code):
    response = by_client.post(declarations_url(certificate), declaration(lines=[bad_line]), format="json")
    assert _fields(response).get(field) == code
    assert not ItemUsage.objects.filter(used__gt=0).exists()


def test_two_lines_naming_one_item_are_duplicate_lines(certificate, by_client):
    lines = [line(1), line(2), line(1)]
    response = by_client.post(declarations_url(certificate), declaration(lines=lines), format="json")
    assert _fields(response) == {"lines.0.item_line": "duplicate_line", "lines.2.item_line": "duplicate_line"}


def test_a_future_declaration_time_is_refused(certificate, by_client):
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    response = by_client.post(declarations_url(certificate), declaration(declared_at=future), format="json")
    assert _fields(response) == {"declared_at": "future_time"}


def test_more_lines_than_a_certificate_holds_are_refused_naming_lines(certificate, by_client):
    many = [line(n) for n in range(1, 502)]
    response = by_client.post(declarations_url(certificate), declaration(lines=many), format="json")
    assert _fields(response) == {"lines": "max_length"}
    huge = [line(n) for n in range(1, 10_001)]
    response = by_client.post(declarations_url(certificate), declaration(lines=huge), format="json")
    assert response.status_code == 400
    assert response.json()["code"] in ("parse_error", "validation_error")


def test_every_failing_line_is_named_and_nothing_is_drawn(certificate, by_client):
    lines = [line(1, "100"), line(7), line(2, "1300", hs_code="520100", unit="TNE")]
    response = by_client.post(declarations_url(certificate), declaration(lines=lines), format="json")

    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "declaration_mismatch"
    assert {(error["field"], error["code"]) for error in problem["errors"]} == {
        ("lines.1.item_line", "unknown_line"),
        ("lines.2.hs_code", "hs_code_mismatch"),
        ("lines.2.unit", "unit_mismatch"),
        ("lines.2.quantity", "quantity_exceeds_remaining"),
    }
    assert not any(_used(certificate).values())
    assert not Declaration.objects.exists()


def test_a_revoked_certificate_is_not_valid_for_a_declaration(certificate, by_client, officer):
    certificate_revoke(certificate=certificate, actor=officer, reason="forged invoice")
    response = by_client.post(declarations_url(certificate), declaration(), format="json")
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["certificate_status"]) == (
        "certificate_not_valid",
        "revoked",
    )


def test_a_declaration_before_the_certificate_was_issued_is_not_valid(certificate, by_client):
    before = (certificate.issued_at - timedelta(days=2)).isoformat()
    response = by_client.post(declarations_url(certificate), declaration(declared_at=before), format="json")
    assert response.status_code == 409
    assert response.json()["certificate_status"] == "not_yet_valid"


def test_an_expired_certificate_is_not_valid_for_a_declaration(certificate, by_client):
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    response = by_client.post(declarations_url(certificate), declaration(), format="json")
    assert response.json()["certificate_status"] == "expired"


def test_posting_the_same_declaration_again_answers_the_first_record_and_draws_nothing_more(
    certificate, by_client
):
    first = by_client.post(
        declarations_url(certificate), declaration(lines=[line(quantity="5")]), format="json"
    )
    again = by_client.post(
        declarations_url(certificate), declaration(lines=[line(quantity="5.000")]), format="json"
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert _used(certificate)[1] == Decimal("5.000")


def test_the_same_declaration_with_other_content_is_a_conflict(certificate, by_client):
    by_client.post(declarations_url(certificate), declaration(lines=[line(quantity="5")]), format="json")
    other = by_client.post(
        declarations_url(certificate), declaration(lines=[line(quantity="6")]), format="json"
    )
    assert other.status_code == 409
    assert other.json()["code"] == "declaration_conflict"
    assert _used(certificate)[1] == Decimal("5.000")


def test_another_office_may_use_the_same_declaration_number(certificate, by_client):
    by_client.post(declarations_url(certificate), declaration(office="06611"), format="json")
    other = by_client.post(declarations_url(certificate), declaration(office="06612"), format="json")
    assert other.status_code == 201
    assert _used(certificate)[1] == Decimal("400.000")


def test_drawing_every_item_down_to_nothing_answers_exhausted(certificate, by_client):
    lines = [line(1, "1200.500"), line(2, "1200.5")]
    response = by_client.post(declarations_url(certificate), declaration(lines=lines), format="json")
    assert response.json()["certificate_status"] == "exhausted"
    assert [row["remaining"] for row in response.json()["lines"]] == ["0.000", "0.000"]
    more = by_client.post(
        declarations_url(certificate), declaration("DT-2", lines=[line(1, "0.001")]), format="json"
    )
    assert more.json()["errors"][0]["code"] == "quantity_exceeds_remaining"


def test_one_declaration_citing_two_certificates_is_two_records_with_one_number(
    certificate, by_client, officer, make_submitted
):
    second = issue(make_submitted(items=1), officer)
    answers = [
        by_client.post(
            declarations_url(cited), declaration("DT-77", lines=[line(quantity="10")]), format="json"
        )
        for cited in (certificate, second)
    ]
    assert [answer.status_code for answer in answers] == [201, 201]
    assert [answer.json()["number"] for answer in answers] == [certificate.number, second.number]
    records = Declaration.objects.filter(declaration_number="DT-77")
    assert records.count() == 2
    assert {record.certificate_id for record in records} == {certificate.pk, second.pk}
    assert _used(second) == {1: Decimal("10.000")}


def _verify(client, certificate, **extra) -> dict:
    response = client.post("/api/v1/verify/", {"number": certificate.number, **extra}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def test_a_drawn_out_certificate_verifies_as_exhausted_until_a_declaration_is_annulled(
    certificate, by_client, exporter
):
    lines = [line(1, "1200.500"), line(2, "1200.5")]
    time.sleep(2)  # so that a whole second after issue comes before the exhaustion
    recorded = by_client.post(declarations_url(certificate), declaration(lines=lines), format="json").json()

    for client in (by_client, api_client_for(exporter), api_client_for(None)):
        answer = _verify(client, certificate)
        assert (answer["valid"], answer["status"]) == (False, "exhausted")
    assert (
        _verify(by_client, certificate, at=rfc3339(certificate.issued_at + timedelta(seconds=1)))["status"]
        == "valid"
    )

    by_client.post(
        f"/api/v1/declarations/{recorded['id']}/annul/", {"reason": "entered twice"}, format="json"
    )
    answer = _verify(by_client, certificate)
    assert (answer["valid"], answer["status"]) == (True, "valid")


def test_a_partly_drawn_certificate_verifies_as_valid(certificate, by_client):
    by_client.post(declarations_url(certificate), declaration(lines=[line(1, "1200.500")]), format="json")
    assert _verify(by_client, certificate)["status"] == "valid"
