import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates.applications.models import Application, GoodsItem
from certificates.issuance.models import Certificate, IssuanceOrder
from tests.applications.factories import (
    ApplicationFactory,
    api_client_for,
    application_payload,
    item_payload,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/applications/"


def detail_url(application, suffix=""):
    return f"{URL}{application.pk}/{suffix}"


def test_exporter_creates_a_draft_for_its_own_organization(exporter):
    response = api_client_for(exporter).post(URL, application_payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["exporter"]["id"] == exporter.organization_id
    assert body["consignee"] == {
        "name": "Minsk Trading JSC",
        "country": "BY",
        "address": "10 Nezavisimosti Ave, Minsk",
        "tax_id": "100582333",
    }
    assert [item["line"] for item in body["items"]] == [1, 2, 3]
    assert body["items"][0]["quantity"] == "1200.500"
    assert body["items"][0]["value"] == "4801.00"
    assert body["certificate"] is None
    assert body["events"][0]["action"] == "created"
    application = Application.objects.get(pk=body["id"])
    assert application.created_by == exporter
    assert application.items.count() == 3


def test_decimals_are_normalised_to_fixed_precision_strings(exporter):
    payload = application_payload(items=[item_payload(quantity="7", value="10.5", net_weight_kg="1.2")])
    body = api_client_for(exporter).post(URL, payload, format="json").json()
    assert (body["items"][0]["quantity"], body["items"][0]["value"]) == ("7.000", "10.50")
    assert body["items"][0]["net_weight_kg"] == "1.200"


def test_detail_shows_status_history_and_certificate_number(exporter, officer, submitted):
    api_client_for(officer).post(detail_url(submitted, "return/"), {"reason": "fix line 2"}, format="json")
    body = api_client_for(exporter).get(detail_url(submitted)).json()
    assert body["status"] == "returned"
    assert body["events"][-1] == {
        "at": body["events"][-1]["at"],
        "action": "returned",
        "from_status": "submitted",
        "to_status": "returned",
        "reason": "fix line 2",
        "actor": officer.username,
    }
    assert body["certificate"] is None


def test_detail_shows_the_certificate_number_once_issued(exporter):
    issued = ApplicationFactory(exporter=exporter.organization, created_by=exporter, status="issued")
    Certificate.objects.create(
        application=issued,
        number="UZBY-2026-EX-000001",
        type="export",
        year=2026,
        sequence=1,
        document={},
        canonical=b"{}",
        jws="a.b.c",
        jws_sha256="0" * 64,
        kid="k1",
        issued_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2027, 1, 1),
    )
    assert api_client_for(exporter).get(detail_url(issued)).json()["certificate"] == "UZBY-2026-EX-000001"


def test_patch_replaces_the_whole_item_list_and_merges_top_level_members(exporter, draft):
    response = api_client_for(exporter).patch(
        detail_url(draft),
        {"items": [item_payload(hs_code="847130")], "transport": {"mode": "air"}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [(i["line"], i["hs_code"]) for i in body["items"]] == [(1, "847130")]
    assert body["transport"] == {"mode": "air", "details": ""}
    assert body["invoice"]["number"] == draft.invoice_number
    assert GoodsItem.objects.filter(application=draft).count() == 1


def test_patch_of_submitted_application_is_a_conflict(exporter, submitted):
    response = api_client_for(exporter).patch(detail_url(submitted), {"type": "import"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "not_editable"


def test_delete_of_draft_and_conflict_once_submitted(exporter, draft, submitted):
    client = api_client_for(exporter)
    assert client.delete(detail_url(draft)).status_code == 204
    assert client.delete(detail_url(submitted)).status_code == 409
    assert not Application.objects.filter(pk=draft.pk).exists()


def test_full_workflow_through_the_api(exporter, officer, draft, django_capture_on_commit_callbacks):
    exporter_client, officer_client = api_client_for(exporter), api_client_for(officer)
    assert exporter_client.post(detail_url(draft, "submit/")).json()["status"] == "submitted"
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(detail_url(draft, "approve/"))
    assert response.json()["status"] == "approved"
    assert IssuanceOrder.objects.get(application=draft).queued_at is not None
    assert officer_client.post(detail_url(draft, "approve/")).status_code == 409


def test_disallowed_transition_is_a_409_problem(exporter, draft):
    response = api_client_for(exporter).post(detail_url(draft, "withdraw/"))
    assert response.status_code == 200
    again = api_client_for(exporter).post(detail_url(draft, "submit/"))
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"
    assert again.json()["code"] == "invalid_transition"


@pytest.mark.parametrize("action", ["reject/", "return/"])
@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
def test_reject_and_return_require_a_reason(officer, submitted, action, body):
    response = api_client_for(officer).post(detail_url(submitted, action), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "reason"
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_list_filters_by_status_type_destination_dates_and_hs_code(exporter):
    org = exporter.organization
    wanted = ApplicationFactory(exporter=org, created_by=exporter, status="submitted", type="import")
    GoodsItem.objects.filter(application=wanted, line=1).update(hs_code="8471300000")
    ApplicationFactory(exporter=org, created_by=exporter, country_of_destination="KZ")
    client = api_client_for(exporter)

    def ids(query):
        response = client.get(URL + query)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids("?status=submitted") == [wanted.pk]
    assert ids("?type=import") == [wanted.pk]
    assert ids("?hs_code=8471") == [wanted.pk]
    assert len(ids("?country_of_destination=BY")) == 1
    today = datetime.date.today()
    assert len(ids(f"?created_after={today}&created_before={today}")) == 2
    assert ids(f"?created_after={today + datetime.timedelta(days=1)}") == []


def test_invalid_filter_value_is_a_validation_problem(exporter):
    response = api_client_for(exporter).get(URL + "?status=bogus")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "status"


def test_page_size_is_capped(exporter, settings):
    settings.MAX_PAGE_SIZE = 2
    ApplicationFactory.create_batch(3, exporter=exporter.organization, created_by=exporter, items=1)
    body = api_client_for(exporter).get(URL + "?page_size=50").json()
    assert body["count"] == 3
    assert len(body["results"]) == 2


def count_queries(request) -> int:
    # Counted at once: the captured list is read lazily and the next request resets the log.
    with CaptureQueriesContext(connection) as queries:
        response = request()
    assert response.status_code == 200
    return len(queries)


def test_list_costs_the_same_number_of_queries_for_one_or_many_applications(exporter):
    client = api_client_for(exporter)
    ApplicationFactory(exporter=exporter.organization, created_by=exporter)
    one = count_queries(lambda: client.get(URL))
    ApplicationFactory.create_batch(4, exporter=exporter.organization, created_by=exporter, items=3)
    assert count_queries(lambda: client.get(URL)) == one


def test_detail_costs_the_same_number_of_queries_whatever_its_history(exporter):
    client = api_client_for(exporter)
    quiet = ApplicationFactory(exporter=exporter.organization, created_by=exporter, items=1)
    busy = ApplicationFactory(exporter=exporter.organization, created_by=exporter, items=5)
    client.post(detail_url(busy, "submit/"))
    client.post(detail_url(busy, "withdraw/"))
    assert count_queries(lambda: client.get(detail_url(busy))) == count_queries(
        lambda: client.get(detail_url(quiet))
    )
