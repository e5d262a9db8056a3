"""Concurrent issuance on PostgreSQL: unique, gapless numbers and one certificate per application."""

from __future__ import annotations

import pytest

from certificates.issuance.models import Certificate, IssuanceOrder
from certificates.issuance.tasks import sign_certificate
from tests.issuance.helpers import approve, run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_concurrent_sign_tasks_give_unique_gapless_numbers(
    postgres, signing_key, officer, make_submitted
):
    orders = [approve(make_submitted(), officer) for _ in range(20)]
    # Every order is signed by two racing tasks, as a redelivered message would do.
    targets = [lambda pk=order.pk: sign_certificate.run(pk) for order in orders for _ in range(2)]
    assert run_concurrently(targets) == []

    certificates = Certificate.objects.order_by("sequence")
    assert [c.sequence for c in certificates] == list(range(1, 21))
    assert len({c.number for c in certificates}) == 20
    assert sorted(c.application_id for c in certificates) == sorted(o.application_id for o in orders)
    assert set(IssuanceOrder.objects.values_list("state", flat=True)) == {IssuanceOrder.State.DONE}
    print(f"20 orders x 2 racing tasks: {certificates.count()} certificates, numbers 1..20, no gaps")
