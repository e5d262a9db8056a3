"""Races on PostgreSQL: many requests for the same decision, many signers for many orders."""

from __future__ import annotations

import base64
import json
import queue
import threading
import time

import pytest
from django.db import connection

from certificates.issuance.models import Certificate, CertificateEvent, IssuanceOrder
from certificates.issuance.tasks import sign_certificate
from signing.transparency.models import LogLeaf
from tests.applications.factories import api_client_for
from tests.issuance.helpers import approve, issue
from tests.reliability.helpers import assert_each_issued_exactly_once, clear_broker

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 50


def _race(clients, request) -> list[int]:
    """``request(client)`` from one thread per client, released together; the HTTP status codes."""
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def run(client):
        try:
            barrier.wait(30)
            statuses.append(request(client).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return statuses


def _clients(user, count: int = RACERS):
    return [api_client_for(user) for _ in range(count)]


def _payload(leaf: LogLeaf) -> dict:
    body = bytes(leaf.entry).decode("ascii").split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_fifty_concurrent_approvals_of_one_application_make_one_order_and_one_certificate(
    postgres, signing_key, officer, make_submitted
):
    application = make_submitted(items=1)
    clients = _clients(officer)
    started = time.monotonic()
    statuses = _race(clients, lambda client: client.post(f"/api/v1/applications/{application.pk}/approve/"))
    elapsed = time.monotonic() - started
    clear_broker()

    assert sorted(statuses) == [200] + [409] * (RACERS - 1)
    assert IssuanceOrder.objects.filter(application=application).count() == 1
    assert application.events.filter(action="approved").count() == 1
    sign_certificate.run(IssuanceOrder.objects.get(application=application).pk)
    assert_each_issued_exactly_once([application.pk])
    print(
        f"\n[approve race] {RACERS} concurrent approvals: 1 × 200, {statuses.count(409)} × 409, 1 order, "
        f"1 certificate; {elapsed:.1f}s"
    )


def test_fifty_concurrent_revocations_of_one_certificate_revoke_and_log_it_once(
    postgres, signing_key, officer, make_submitted
):
    certificate = issue(make_submitted(items=1), officer)
    clear_broker()
    leaves_before = LogLeaf.objects.count()
    clients = _clients(officer)
    url = f"/api/v1/certificates/{certificate.number}/revoke/"
    statuses = _race(clients, lambda client: client.post(url, {"reason": "wrong HS code"}, format="json"))
    clear_broker()

    assert sorted(statuses) == [200] + [409] * (RACERS - 1)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert CertificateEvent.objects.filter(certificate=certificate, action="revoked").count() == 1
    new_leaves = list(LogLeaf.objects.filter(index__gte=leaves_before))
    assert len(new_leaves) == 1
    assert _payload(new_leaves[0]) | {"revoked_at": None} == {
        "event": "revocation",
        "number": certificate.number,
        "reason": "wrong HS code",
        "revoked_at": None,
    }
    print(
        f"\n[revoke race] {RACERS} concurrent revocations: 1 × 200, {statuses.count(409)} × 409, "
        "1 revocation event, 1 revocation log leaf"
    )


def test_two_hundred_orders_signed_by_twelve_threads_get_numbers_one_to_two_hundred(
    postgres, signing_key, officer, make_submitted
):
    orders = [approve(make_submitted(items=1), officer) for _ in range(200)]
    clear_broker()
    todo: queue.Queue[int] = queue.Queue()
    for order in orders:
        todo.put(order.pk)
    errors: list[BaseException] = []
    barrier = threading.Barrier(12)

    def signer():
        try:
            barrier.wait(30)
            while True:
                try:
                    order_id = todo.get_nowait()
                except queue.Empty:
                    return
                sign_certificate.run(order_id)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=signer) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    elapsed = time.monotonic() - started
    clear_broker()

    assert errors == []
    assert_each_issued_exactly_once([order.application_id for order in orders])
    print(
        f"\n[signing race] 200 orders, 12 threads: numbers 1..200 unique and gapless, "
        f"{200 / elapsed:.0f} certificates/s ({elapsed:.1f}s)"
    )
