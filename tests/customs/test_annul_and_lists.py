"""Annulling a declaration, the declaration lists and the admin (CONTRACT §10)."""

from __future__ import annotations

import base64
import json
from decimal import Decimal

import pytest

from certificates.customs.models import Declaration, ItemUsage
from signing.transparency.models import LogLeaf
from tests.applications.factories import UserFactory, api_client_for
from tests.customs.conftest import customs_of, declaration, declarations_url, line

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _record(client, certificate, number="DT-0001", **kwargs) -> dict:
    response = client.post(declarations_url(certificate), declaration(number, **kwargs), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def _annul(client, declaration_id, reason="Declaration withdrawn by the declarant."):
    return client.post(f"/api/v1/declarations/{declaration_id}/annul/", {"reason": reason}, format="json")


def _used(certificate) -> Decimal:
    return ItemUsage.objects.get(certificate=certificate, item_line=1).used


def _payload(leaf: LogLeaf) -> dict:
    body = bytes(leaf.entry).decode("ascii").split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_annulling_gives_the_quantities_back_and_is_audited_and_logged(certificate, by_client):
    recorded = _record(by_client, certificate)
    assert _used(certificate) == Decimal("200.000")
    leaves_before = LogLeaf.objects.count()

    response = _annul(by_client, recorded["id"])

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["id"], body["status"], body["annul_reason"]) == (
        recorded["id"],
        "annulled",
        "Declaration withdrawn by the declarant.",
    )
    assert body["annulled_at"] is not None
    assert _used(certificate) == Decimal("0.000")
    assert certificate.events.order_by("-id").first().action == "declaration_annulled"
    leaves = list(LogLeaf.objects.filter(index__gte=leaves_before))
    assert len(leaves) == 1
    assert _payload(leaves[0]) | {"at": None} == {
        "event": "declaration_annulled",
        "number": certificate.number,
        "declaration_number": "DT-0001",
        "customs_office": "06611",
        "reason": "Declaration withdrawn by the declarant.",
        "at": None,
    }


def test_a_second_annul_is_a_conflict_and_gives_nothing_back_twice(certificate, by_client):
    first = _record(by_client, certificate)
    _record(by_client, certificate, "DT-0002")
    assert _annul(by_client, first["id"]).status_code == 200
    again = _annul(by_client, first["id"])
    assert again.status_code == 409
    assert again.json()["code"] == "already_annulled"
    assert _used(certificate) == Decimal("200.000")


def test_annul_needs_a_reason(certificate, by_client):
    recorded = _record(by_client, certificate)
    assert _annul(by_client, recorded["id"], reason="").status_code == 400
    assert Declaration.objects.get(pk=recorded["id"]).status == "recorded"


def test_only_the_recording_customs_organization_annuls(
    certificate, by_client, customs_uz, officer, exporter
):
    recorded = _record(by_client, certificate)
    other_by = api_client_for(customs_of("BY"))
    statuses = [
        _annul(client, recorded["id"]).status_code
        for client in (
            other_by,
            api_client_for(customs_uz),
            api_client_for(officer),
            api_client_for(exporter),
        )
    ]
    assert statuses == [404, 404, 403, 403]
    assert Declaration.objects.get(pk=recorded["id"]).status == "recorded"


def test_an_annulled_declaration_may_be_declared_again_and_draws_afresh(certificate, by_client):
    first = _record(by_client, certificate, lines=[line(quantity="1000")])
    _annul(by_client, first["id"])
    again = by_client.post(
        declarations_url(certificate), declaration(lines=[line(quantity="1100")]), format="json"
    )
    assert again.status_code == 201, again.json()
    assert again.json()["id"] != first["id"]
    assert again.json()["lines"][0]["remaining"] == "100.500"
    assert _used(certificate) == Decimal("1100.000")
    replay = by_client.post(
        declarations_url(certificate), declaration(lines=[line(quantity="1100")]), format="json"
    )
    assert (replay.status_code, replay.json()["id"]) == (200, again.json()["id"])


def test_a_certificates_declarations_are_listed_to_customs_of_either_country_officers_and_its_exporter(
    certificate, by_client, customs_uz, officer, exporter
):
    _record(by_client, certificate)
    _record(by_client, certificate, "DT-0002")
    url = declarations_url(certificate)
    readers = {
        "customs_by": by_client,
        "customs_uz": api_client_for(customs_uz),
        "officer": api_client_for(officer),
        "exporter": api_client_for(exporter),
    }
    for who, client in readers.items():
        page = client.get(url, {"page_size": 1})
        assert page.status_code == 200, who
        assert set(page.json()) == {"count", "next", "previous", "results"}
        assert page.json()["count"] == 2
        assert len(page.json()["results"]) == 1
    assert api_client_for(customs_of("KZ")).get(url).status_code == 403
    assert api_client_for(UserFactory(role="exporter")).get(url).status_code == 404


def test_customs_list_their_own_declarations_with_filters(certificate, by_client, officer, make_submitted):
    _record(by_client, certificate, "DT-1", office="06611")
    _record(by_client, certificate, "DT-2", office="06612")
    other_customs = api_client_for(customs_of("BY"))
    _record(other_customs, certificate, "DT-3")

    def numbers(**filters) -> list[str]:
        response = by_client.get("/api/v1/declarations/", filters)
        assert response.status_code == 200, response.json()
        return sorted(row["declaration_number"] for row in response.json()["results"])

    assert numbers() == ["DT-1", "DT-2"]
    assert numbers(office="06612") == ["DT-2"]
    assert numbers(number=certificate.number) == ["DT-1", "DT-2"]
    assert numbers(number="UZBY-2026-EX-999999") == []
    today = Declaration.objects.first().declared_at.date().isoformat()
    assert numbers(declared_after=today, declared_before=today) == ["DT-1", "DT-2"]
    assert numbers(declared_after="2099-01-01") == []
    assert api_client_for(officer).get("/api/v1/declarations/").status_code == 403


def test_the_admin_shows_declarations_read_only_and_annuls_with_a_reason(certificate, by_client, client):
    recorded = _record(by_client, certificate)
    admin_user = UserFactory(role="", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    page = client.get(f"/admin/certificates/declaration/{recorded['id']}/change/")
    assert page.status_code == 200
    assert "DT-0001" in page.content.decode()
    assert b'name="_save"' not in page.content

    changelist = "/admin/certificates/declaration/"
    selection = {"action": "annul", "_selected_action": [recorded["id"]]}
    form = client.post(changelist, selection)
    assert form.status_code == 200
    assert "reason" in form.content.decode()
    assert Declaration.objects.get(pk=recorded["id"]).status == "recorded"

    client.post(changelist, {**selection, "apply": "1", "reason": "entered twice"})
    annulled = Declaration.objects.get(pk=recorded["id"])
    assert (annulled.status, annulled.annul_reason) == ("annulled", "entered twice")
    assert _used(certificate) == Decimal("0.000")
