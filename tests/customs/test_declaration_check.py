"""Verify with a declaration (CONTRACT §10): a customs dry run, signed in the receipt, recording nothing."""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import time
from decimal import Decimal

import pytest

from certificates.customs.models import Declaration, ItemUsage
from certificates.issuance.services import certificate_revoke
from certificates.verification.models import Verification
from tests.applications.factories import api_client_for
from tests.customs.conftest import customs_of, declaration, declarations_url, line

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

VERIFY = "/api/v1/verify/"


def _check(client, certificate, lines, **members):
    body = {"number": certificate.number, "declaration": {"lines": lines}, **members}
    return client.post(VERIFY, body, format="json")


def _receipt_payload(answer: dict) -> dict:
    segment = answer["receipt"].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def _drawn(certificate) -> dict[int, Decimal]:
    return dict(ItemUsage.objects.filter(certificate=certificate).values_list("item_line", "used"))


def test_matching_lines_are_checked_ok_and_the_receipt_signs_the_check(certificate, by_client):
    response = _check(by_client, certificate, [line(1, "1200.500"), line(2, "0.001")])
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["valid"] is True
    assert answer["declaration_check"] == {
        "ok": True,
        "lines": [{"item_line": 1, "result": "match"}, {"item_line": 2, "result": "match"}],
    }
    signed = _receipt_payload(answer)
    assert signed["declaration_check"] == answer["declaration_check"]
    assert signed == {key: value for key, value in answer.items() if key != "receipt"}


@pytest.mark.parametrize(
    ("sent", "result"),
    [
        (line(9), "unknown_line"),
        (line(1, hs_code="010121"), "hs_code_mismatch"),
        (line(1, unit="TNE"), "unit_mismatch"),
        (line(1, "1200.501"), "quantity_exceeds_remaining"),
    ],
)
def test_each_mismatch_is_named_on_its_line_and_the_check_is_not_ok(certificate, by_client, sent, result):
    answer = _check(by_client, certificate, [line(2, "1.000"), sent]).json()
    assert answer["declaration_check"] == {
        "ok": False,
        "lines": [{"item_line": 2, "result": "match"}, {"item_line": sent["item_line"], "result": result}],
    }
    assert answer["valid"] is True


def test_the_check_counts_what_earlier_declarations_drew(certificate, by_client):
    by_client.post(declarations_url(certificate), declaration(lines=[line(1, "1000.000")]), format="json")
    fits = _check(by_client, certificate, [line(1, "200.500")]).json()["declaration_check"]
    too_much = _check(by_client, certificate, [line(1, "200.501")]).json()["declaration_check"]
    assert fits["lines"] == [{"item_line": 1, "result": "match"}]
    assert too_much["lines"] == [{"item_line": 1, "result": "quantity_exceeds_remaining"}]


def test_checking_records_and_draws_nothing(certificate, by_client):
    _check(by_client, certificate, [line(1, "5.000")])
    assert not ItemUsage.objects.filter(certificate=certificate).exists()
    assert not Declaration.objects.exists()

    by_client.post(declarations_url(certificate), declaration(lines=[line(1, "100.000")]), format="json")
    before = (_drawn(certificate), list(Declaration.objects.values_list("id", "status")))
    for _ in range(3):
        _check(by_client, certificate, [line(1, "1100.500"), line(2, "1200.500")])
    assert (_drawn(certificate), list(Declaration.objects.values_list("id", "status"))) == before
    assert _drawn(certificate) == {1: Decimal("100.000"), 2: Decimal("0.000")}
    # The verification itself is recorded, as every customs verification is.
    assert Verification.objects.filter(number=certificate.number).count() == 4


def test_customs_of_either_country_may_check(certificate):
    answer = _check(api_client_for(customs_of("UZ")), certificate, [line(1)]).json()
    assert answer["declaration_check"]["ok"] is True


def test_a_check_by_document_reads_the_certificate_on_record(certificate, by_client):
    body = {"document": certificate.jws, "declaration": {"lines": [line(1, "1.000"), line(3)]}}
    answer = by_client.post(VERIFY, body, format="json").json()
    assert answer["status"] == "valid"
    assert answer["declaration_check"] == {
        "ok": False,
        "lines": [{"item_line": 1, "result": "match"}, {"item_line": 3, "result": "unknown_line"}],
    }


def test_an_unknown_number_names_every_line_unknown(certificate, by_client):
    body = {"number": "UZ-2026-EX-999999", "declaration": {"lines": [line(1)]}}
    answer = by_client.post(VERIFY, body, format="json").json()
    assert answer["status"] == "not_found"
    assert answer["declaration_check"] == {"ok": False, "lines": [{"item_line": 1, "result": "unknown_line"}]}


def test_an_exhausted_certificate_has_nothing_left_for_any_line(certificate, by_client):
    lines = [line(1, "1200.500"), line(2, "1200.500")]
    by_client.post(declarations_url(certificate), declaration(lines=lines), format="json")
    answer = _check(by_client, certificate, [line(1, "0.001")]).json()
    assert answer["status"] == "exhausted"
    assert answer["declaration_check"] == {
        "ok": False,
        "lines": [{"item_line": 1, "result": "quantity_exceeds_remaining"}],
    }


def test_a_revoked_certificate_is_never_ok_even_when_its_lines_match(certificate, by_client, officer):
    certificate_revoke(certificate=certificate, actor=officer, reason="forged invoice")
    answer = _check(by_client, certificate, [line(1, "1.000")]).json()
    assert answer["status"] == "revoked"
    assert answer["declaration_check"] == {"ok": False, "lines": [{"item_line": 1, "result": "match"}]}


def test_without_a_declaration_the_answer_has_no_check(certificate, by_client):
    answer = by_client.post(VERIFY, {"number": certificate.number}, format="json").json()
    assert "declaration_check" not in answer


@pytest.mark.parametrize("who", ["anonymous", "exporter", "officer"])
def test_other_callers_sending_a_declaration_get_400(certificate, exporter, officer, who):
    user = {"anonymous": None, "exporter": exporter, "officer": officer}[who]
    response = _check(api_client_for(user), certificate, [line(1)])
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "declaration_check_not_customs"
    assert problem["type"].endswith("/problems/declaration_check_not_customs")
    assert not Verification.objects.exists()


def test_other_callers_get_the_same_400_whatever_the_lines_hold(certificate, exporter):
    response = _check(api_client_for(exporter), certificate, "not lines")
    assert response.json()["code"] == "declaration_check_not_customs"


def _errors(response) -> set[tuple[str, str]]:
    assert response.status_code == 400, response.content
    return {(error["field"], error["code"]) for error in response.json()["errors"]}


def test_malformed_lines_are_refused_field_by_field_as_when_recording(certificate, by_client):
    lines = [
        line(1, "-1"),
        {"item_line": 2, "hs_code": "52", "quantity": 3, "unit": "kilo"},
        line(1, "1.0001"),
    ]
    errors = _errors(_check(by_client, certificate, lines))
    fields = {field for field, _ in errors}
    assert {
        "declaration.lines.0.quantity",
        "declaration.lines.1.hs_code",
        "declaration.lines.1.quantity",
        "declaration.lines.1.unit",
        "declaration.lines.2.quantity",
    } <= fields
    assert not Verification.objects.exists()


def test_two_lines_naming_one_item_are_duplicate_lines(certificate, by_client):
    errors = _errors(_check(by_client, certificate, [line(1), line(1)]))
    assert errors == {
        ("declaration.lines.0.item_line", "duplicate_line"),
        ("declaration.lines.1.item_line", "duplicate_line"),
    }


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        ({"lines": []}, "declaration.lines"),
        ({}, "declaration.lines"),
        ({"lines": [line(1)], "declared_at": "2026-12-01T09:30:00Z"}, "declaration.declared_at"),
        ({"lines": [{**line(1), "remaining": "1.000"}]}, "declaration.lines.0.remaining"),
        ("lines", "declaration"),
    ],
)
def test_a_malformed_declaration_is_refused_where_it_is_wrong(certificate, by_client, sent, field):
    response = by_client.post(VERIFY, {"number": certificate.number, "declaration": sent}, format="json")
    assert field in {error for error, _ in _errors(response)}


def test_the_refusal_speaks_russian_and_uzbek(certificate, exporter):
    client = api_client_for(exporter)
    body = {"number": certificate.number, "declaration": {"lines": [line(1)]}}
    russian = client.post(VERIFY, body, format="json", HTTP_ACCEPT_LANGUAGE="ru").json()
    uzbek = client.post(VERIFY, body, format="json", HTTP_ACCEPT_LANGUAGE="uz").json()
    assert russian["detail"] == "Проверить декларацию по сертификату могут только пользователи таможни."
    assert uzbek["detail"].startswith("Deklaratsiyani sertifikat bo‘yicha")


CUSTOMS_REGION = re.compile(r"<!-- customs-walkthrough -->(.*?)<!-- /customs-walkthrough -->", re.S)
README_SAYS = (
    "True [{'item_line': 2, 'result': 'match'}]",
    "recorded 500.000",
    "1 1",
    "[(1, '0.000'), (2, '300.000')]",
    "annulled",
)


@pytest.mark.worker
def test_the_readme_customs_walkthrough_runs_as_written_after_the_first_one(tmp_path):
    from tests.readme import test_walkthrough as walkthrough

    text = walkthrough.README.read_text(encoding="utf-8")
    region = CUSTOMS_REGION.search(text)
    assert region, "README.md has no <!-- customs-walkthrough --> region"
    customs = walkthrough.SH_BLOCK.findall(region.group(1))
    assert len(customs) == 4
    blocks = walkthrough.walkthrough_blocks(text) + customs
    clone, port = walkthrough.a_fresh_clone(tmp_path), walkthrough.free_port()
    base = f"http://127.0.0.1:{port}"
    server = walkthrough.serve(clone / "var", port)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not walkthrough.ready(base):
            time.sleep(0.5)
        assert walkthrough.ready(base), "make run's service never became ready"
        output = walkthrough.run_blocks(blocks, cwd=clone, base=base)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.communicate(timeout=60)
    said = output.split(f">>> block {len(blocks) - len(customs) + 1}\n", 1)[1]
    lines = [line for line in said.splitlines() if not line.startswith(">>> block")]
    assert lines == list(README_SAYS), output


def test_the_schema_documents_the_declaration_and_its_check_with_examples(certificate, by_client, client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    declaration = components["VerifyInputRequest"]["properties"]["declaration"]
    assert declaration["allOf"] == [{"$ref": "#/components/schemas/DeclarationCheckInputRequest"}]
    lines = components["DeclarationCheckInputRequest"]["properties"]["lines"]
    assert lines["items"] == {"$ref": "#/components/schemas/DeclarationLineInputRequest"}
    check = components["VerifyOutput"]["properties"]["declaration_check"]
    assert check["allOf"] == [{"$ref": "#/components/schemas/DeclarationCheck"}]
    operation = schema["paths"]["/api/v1/verify/"]["post"]
    requests = operation["requestBody"]["content"]["application/json"]["examples"].values()
    sent = next(example["value"] for example in requests if "declaration" in example["value"])
    answers = operation["responses"]["200"]["content"]["application/json"]["examples"].values()
    shown = next(example["value"] for example in answers if "declaration_check" in example["value"])
    # The example's certificate holds 20,000 KGM per item; this one 1,200.500 and HS 520512.
    first, second = ({**line, "hs_code": "520512"} for line in sent["declaration"]["lines"])
    sent["declaration"]["lines"] = [{**first, "quantity": "500.000"}, second]
    answer = by_client.post(VERIFY, {**sent, "number": certificate.number}, format="json").json()
    assert set(answer) == set(shown)
    assert answer["declaration_check"]["lines"] == shown["declaration_check"]["lines"]
