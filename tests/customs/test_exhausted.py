"""A certificate with nothing left on any item: the status bundle and the public page say so."""

from __future__ import annotations

import base64
import json

import pytest
from django.core.cache import cache

from tests.applications.factories import api_client_for
from tests.customs.conftest import declaration, declarations_url, line

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _bundle_entries(client) -> list[dict]:
    token = client.get("/api/v1/status/bundle").content.decode()
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))["entries"]


def _exhaust(by_client, certificate) -> dict:
    lines = [line(1, "1200.500"), line(2, "1200.500")]
    return by_client.post(declarations_url(certificate), declaration(lines=lines), format="json").json()


def test_the_status_bundle_lists_an_exhausted_certificate_until_a_declaration_is_annulled(
    certificate, by_client, client
):
    assert _bundle_entries(client) == []
    recorded = _exhaust(by_client, certificate)
    entries = _bundle_entries(client)
    assert [(entry["number"], entry["status"]) for entry in entries] == [(certificate.number, "exhausted")]

    by_client.post(
        f"/api/v1/declarations/{recorded['id']}/annul/", {"reason": "entered twice"}, format="json"
    )
    assert _bundle_entries(client) == []


def test_the_public_page_of_an_exhausted_certificate_says_exhausted(certificate, by_client, client):
    _exhaust(by_client, certificate)
    cache.clear()
    page = client.get(f"/v/{certificate.number}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "EXHAUSTED" in page
    russian = client.get(f"/v/{certificate.number}", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "ИСЧЕРПАН" in russian


def test_verify_answers_to_customs_and_officers_carry_usage_and_to_others_not(
    certificate, by_client, officer, exporter
):
    by_client.post(declarations_url(certificate), declaration(lines=[line(1, "200")]), format="json")
    expected = [
        {"item_line": 1, "quantity": "1200.500", "used": "200.000", "remaining": "1000.500"},
        {"item_line": 2, "quantity": "1200.500", "used": "0.000", "remaining": "1200.500"},
    ]
    for client in (by_client, api_client_for(officer)):
        answer = client.post("/api/v1/verify/", {"number": certificate.number}, format="json").json()
        assert answer["usage"] == expected
    for client in (api_client_for(exporter), api_client_for(None)):
        answer = client.post("/api/v1/verify/", {"number": certificate.number}, format="json").json()
        assert "usage" not in answer


def _signed_body(client, since: str | None = None) -> dict:
    response = client.get("/api/v1/status/bundle", {"since": since} if since else {})
    assert response.status_code == 200, response.content
    body = response.content.decode().split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_a_delta_lists_a_certificate_valid_again_after_the_annulment_that_un_exhausts_it(
    certificate, by_client, client
):
    recorded = _exhaust(by_client, certificate)
    exhausted = _signed_body(client)
    assert [entry["status"] for entry in exhausted["entries"]] == ["exhausted"]
    by_client.post(
        f"/api/v1/declarations/{recorded['id']}/annul/", {"reason": "entered twice"}, format="json"
    )

    delta = _signed_body(client, exhausted["issued_at"])

    assert [(e["number"], e["status"]) for e in delta["entries"]] == [(certificate.number, "valid")]
    assert delta["entries"][0]["since"] == delta["issued_at"]
    assert _signed_body(client)["entries"] == []
