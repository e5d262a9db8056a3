"""Concurrent declarations on PostgreSQL: 50 threads, each its own connection, against one item."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection

from certificates.customs.models import Declaration, DeclarationLine, ItemUsage
from signing.transparency.models import LogLeaf
from tests.applications.factories import GoodsItemFactory, api_client_for
from tests.customs.conftest import declaration, declarations_url, line
from tests.issuance.helpers import issue

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 50


def _race(clients, request) -> list:
    """``request(client, n)`` from one thread per client, released together; the responses."""
    barrier = threading.Barrier(len(clients))
    answers: list = []

    def run(client, n):
        try:
            barrier.wait(30)
            answers.append(request(client, n))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(client, n)) for n, client in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return answers


@pytest.fixture
def one_item_certificate(signing_key, officer, make_submitted):
    application = make_submitted(items=0)
    GoodsItemFactory(application=application, line=1, quantity=Decimal("1000.000"))
    return issue(application, officer)


def test_fifty_concurrent_declarations_never_draw_more_than_the_item_holds(
    postgres, one_item_certificate, customs_by
):
    certificate = one_item_certificate
    leaves_before = LogLeaf.objects.count()
    clients = [api_client_for(customs_by) for _ in range(RACERS)]
    url = declarations_url(certificate)
    started = time.monotonic()
    answers = _race(
        clients,
        lambda client, n: client.post(
            url, declaration(f"DT-{n}", lines=[line(quantity="75")]), format="json"
        ),
    )
    elapsed = time.monotonic() - started

    statuses = sorted(answer.status_code for answer in answers)
    usage = ItemUsage.objects.get(certificate=certificate, item_line=1)
    drawn = sum(
        DeclarationLine.objects.filter(declaration__certificate=certificate).values_list(
            "quantity", flat=True
        )
    )
    assert len(answers) == RACERS
    assert statuses == [201] * 13 + [409] * 37
    assert usage.used == drawn == Decimal("975.000") <= usage.quantity
    refusals = [answer.json() for answer in answers if answer.status_code == 409]
    assert {problem["code"] for problem in refusals} == {"declaration_mismatch"}
    assert {problem["errors"][0]["code"] for problem in refusals} == {"quantity_exceeds_remaining"}
    assert Declaration.objects.filter(certificate=certificate).count() == 13
    assert DeclarationLine.objects.count() == 13
    assert certificate.events.filter(action="declaration").count() == 13
    assert LogLeaf.objects.filter(index__gte=leaves_before).count() == 13
    print(
        f"\n[declaration race] {RACERS} concurrent declarations of 75.000 against 1000.000: "
        f"{statuses.count(201)} × 201, {statuses.count(409)} × 409 quantity_exceeds_remaining, "
        f"drawn {drawn}; {elapsed:.1f}s"
    )


def test_identical_declarations_posted_at_once_are_recorded_once(postgres, one_item_certificate, customs_by):
    certificate = one_item_certificate
    clients = [api_client_for(customs_by) for _ in range(RACERS)]
    url = declarations_url(certificate)
    answers = _race(clients, lambda client, n: client.post(url, declaration("DT-SAME"), format="json"))

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] * (RACERS - 1) + [201]
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert ItemUsage.objects.get(certificate=certificate).used == Decimal("200.000")
    assert certificate.events.filter(action="declaration").count() == 1
    print(f"\n[identical declaration race] {RACERS} posts: 1 × 201, {statuses.count(200)} × 200, 1 record")


def test_fifty_concurrent_annulments_of_one_declaration_give_back_once(
    postgres, one_item_certificate, customs_by
):
    certificate = one_item_certificate
    client = api_client_for(customs_by)
    client.post(
        declarations_url(certificate), declaration("DT-A", lines=[line(quantity="300")]), format="json"
    )
    client.post(
        declarations_url(certificate), declaration("DT-B", lines=[line(quantity="100")]), format="json"
    )
    annulled = Declaration.objects.get(declaration_number="DT-A")
    clients = [api_client_for(customs_by) for _ in range(RACERS)]
    url = f"/api/v1/declarations/{annulled.pk}/annul/"
    answers = _race(clients, lambda client, n: client.post(url, {"reason": f"withdrawn {n}"}, format="json"))

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [409] * (RACERS - 1)
    assert {answer.json()["code"] for answer in answers if answer.status_code == 409} == {"already_annulled"}
    assert ItemUsage.objects.get(certificate=certificate).used == Decimal("100.000")
    assert certificate.events.filter(action="declaration_annulled").count() == 1
    print(
        f"\n[annul race] {RACERS} annulments at once: 1 × 200, {statuses.count(409)} × 409, given back once"
    )
