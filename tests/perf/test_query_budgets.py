"""Query budgets: list and detail endpoints and verify cost a fixed number of queries.

Each endpoint is called on a small world and on a larger one (more rows, more goods items, another
page size); the number of queries must be the same, and within the budget written here. Verify
by number is called once before counting: its first call in a process learns the certificate's
unchanging checks (one more query), which is what the budget of the first call states.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates.verification import local_rows
from certificates.verification.known_keys import known_keys
from certificates.verification.models import Verification
from certificates.verification.services import verification_caches_clear
from signing.services import jws_sign
from tests.issuance.helpers import issue
from tests.notifications.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db

LIST_BUDGET = 8
DETAIL_BUDGET = 8
VERIFY_BY_NUMBER_BUDGET = 1
VERIFY_BY_DOCUMENT_BUDGET = 4


def queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content[:500]
    return len([q for q in captured.captured_queries if not _savepoint(q["sql"])])


def _savepoint(sql: str | None) -> bool:
    # Savepoints are the test's transaction bookkeeping, not queries of the endpoint. A prepared
    # statement's text is not in Django's query log (certsvc.prepared): it is a query all the same.
    return sql is not None and sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))


def issue_many(make_submitted, officer, count: int, items: int = 2):
    return [issue(make_submitted(items=items), officer) for _ in range(count)]


def test_application_list_costs_the_same_for_1_or_30_applications_and_any_page_size(
    exporter_client, make_submitted
):
    make_submitted(items=2)
    one = queries(lambda: exporter_client.get("/api/v1/applications/", {"page_size": 100}))
    for _ in range(29):
        make_submitted(items=3)
    many = queries(lambda: exporter_client.get("/api/v1/applications/", {"page_size": 100}))
    paged = queries(lambda: exporter_client.get("/api/v1/applications/", {"page_size": 5}))
    assert one == many == paged <= LIST_BUDGET


def test_application_detail_costs_the_same_for_1_or_50_goods_items(exporter_client, make_submitted):
    small, large = make_submitted(items=1), make_submitted(items=50)
    one = queries(lambda: exporter_client.get(f"/api/v1/applications/{small.pk}/"))
    fifty = queries(lambda: exporter_client.get(f"/api/v1/applications/{large.pk}/"))
    assert one == fifty <= DETAIL_BUDGET


def test_certificate_list_costs_the_same_for_1_or_30_certificates_and_any_page_size(
    officer_client, signing_key, officer, make_submitted
):
    issue_many(make_submitted, officer, 1)
    one = queries(lambda: officer_client.get("/api/v1/certificates/", {"page_size": 100}))
    issue_many(make_submitted, officer, 29, items=3)
    many = queries(lambda: officer_client.get("/api/v1/certificates/", {"page_size": 100}))
    paged = queries(lambda: officer_client.get("/api/v1/certificates/", {"page_size": 5}))
    assert one == many == paged <= LIST_BUDGET


def test_certificate_detail_costs_the_same_for_1_or_50_goods_items(
    exporter_client, signing_key, officer, make_submitted
):
    (small,) = issue_many(make_submitted, officer, 1, items=1)
    (large,) = issue_many(make_submitted, officer, 1, items=50)
    one = queries(lambda: exporter_client.get(f"/api/v1/certificates/{small.number}/"))
    fifty = queries(lambda: exporter_client.get(f"/api/v1/certificates/{large.number}/"))
    assert one == fifty <= DETAIL_BUDGET


def test_webhook_list_and_detail_cost_the_same_for_1_or_30_endpoints(exporter_client, exporter):
    first = WebhookEndpointFactory(organization=exporter.organization)
    one = queries(lambda: exporter_client.get("/api/v1/webhooks/", {"page_size": 100}))
    for _ in range(29):
        WebhookEndpointFactory(organization=exporter.organization)
    many = queries(lambda: exporter_client.get("/api/v1/webhooks/", {"page_size": 100}))
    detail = queries(lambda: exporter_client.get(f"/api/v1/webhooks/{first.pk}/"))
    assert one == many <= LIST_BUDGET
    assert detail <= DETAIL_BUDGET


def test_verification_list_costs_the_same_for_1_or_30_verifications(customs_client, customs_user):
    def record(n: int) -> None:
        Verification.objects.create(
            user=customs_user,
            organization_id=customs_user.organization_id,
            query="number",
            number=f"UZBY-2026-EX-{n:06d}",
            status="not_found",
        )

    record(0)
    one = queries(lambda: customs_client.get("/api/v1/verifications/", {"page_size": 100}))
    for n in range(1, 30):
        record(n)
    many = queries(lambda: customs_client.get("/api/v1/verifications/", {"page_size": 100}))
    paged = queries(lambda: customs_client.get("/api/v1/verifications/", {"page_size": 5}))
    assert one == many == paged <= LIST_BUDGET


def test_anonymous_verify_by_number_is_one_query_whatever_the_goods(
    anon_client, signing_key, officer, make_submitted, epochs_read_once
):
    (small,) = issue_many(make_submitted, officer, 1, items=1)
    (large,) = issue_many(make_submitted, officer, 1, items=50)
    verification_caches_clear()

    def verify(certificate):
        return lambda: anon_client.post("/api/v1/verify/", {"number": certificate.number}, format="json")

    jws_sign(payload=b"{}", typ="warm")  # the registry key's material is loaded once per process
    known_keys()  # the keys are read once and kept with the rows
    first_small = queries(verify(small))
    first_large = queries(verify(large))
    again_small, again_large = queries(verify(small)), queries(verify(large))
    assert first_small == first_large == VERIFY_BY_NUMBER_BUDGET  # the row, its JWS and its log leaf
    assert {small.number, large.number} <= set(local_rows._rows)  # this process keeps both rows...
    assert again_small == again_large == 0  # ...and answers from them


def test_unknown_number_is_one_query_once_the_keys_are_read_and_unwrapped(
    anon_client, signing_key, epochs_read_once
):
    def verify():
        return anon_client.post("/api/v1/verify/", {"number": "UZBY-2026-EX-999999"}, format="json")

    # The first request reads the keys (kept with the rows) and the first signature with a key
    # reads and unwraps its material (kept a minute): one query each.
    assert queries(verify) == VERIFY_BY_NUMBER_BUDGET + 2
    assert queries(verify) == VERIFY_BY_NUMBER_BUDGET


def test_verify_by_document_costs_the_same_whatever_the_goods(
    anon_client, signing_key, officer, make_submitted
):
    (small,) = issue_many(make_submitted, officer, 1, items=1)
    (large,) = issue_many(make_submitted, officer, 1, items=50)

    def verify(certificate):
        return lambda: anon_client.post("/api/v1/verify/", {"document": certificate.jws}, format="json")

    jws_sign(payload=b"{}", typ="warm")  # the registry key's material is loaded once per process
    assert queries(verify(small)) == queries(verify(large)) <= VERIFY_BY_DOCUMENT_BUDGET


def test_customs_verify_by_number_costs_the_same_whatever_the_goods(
    customs_client, signing_key, officer, make_submitted
):
    (small,) = issue_many(make_submitted, officer, 1, items=1)
    (large,) = issue_many(make_submitted, officer, 1, items=50)

    def verify(certificate):
        return lambda: customs_client.post("/api/v1/verify/", {"number": certificate.number}, format="json")

    jws_sign(payload=b"{}", typ="warm")  # the registry key's material is loaded once per process
    assert queries(verify(small)) == queries(verify(large)) <= VERIFY_BY_DOCUMENT_BUDGET + 4
