"""An approval whose transaction rolls back after it registered its publish queues nothing."""

from __future__ import annotations

import json

import pytest
import redis
from django.db import transaction

from certificates.applications.models import Application
from certificates.applications.services import application_approve
from certificates.issuance.models import Certificate, IssuanceOrder
from tests.reliability.helpers import clear_broker

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


class Abandon(Exception):
    pass


def _queued(broker) -> list[tuple[str, str]]:
    messages = [json.loads(raw) for raw in broker.lrange("celery", 0, -1)]
    return [(m["headers"]["task"], m["headers"]["argsrepr"]) for m in messages]


def test_an_exception_after_approving_inside_a_transaction_queues_and_signs_nothing(
    redis_broker, signing_key, officer, make_submitted
):
    application = make_submitted(items=1)
    clear_broker()
    broker = redis.Redis.from_url(redis_broker)

    def approve_then_fail():
        with transaction.atomic():
            application_approve(application=application, actor=officer)
            assert IssuanceOrder.objects.filter(application=application).exists()
            raise Abandon

    with pytest.raises(Abandon):
        approve_then_fail()

    assert broker.llen("celery") == 0, _queued(broker)
    assert not IssuanceOrder.objects.filter(application=application).exists()
    assert Certificate.objects.count() == 0
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert not application.events.filter(action="approved").exists()

    # The same approval, committed this time, does reach the queue: the check above can fail.
    application_approve(application=application, actor=officer)
    order = IssuanceOrder.objects.get(application=application)
    queued = _queued(broker)
    assert ("certificates.sign_certificate", f"({order.pk},)") in queued
    clear_broker()
    print(
        "\n[rollback] approve then raise inside atomic(): LLEN celery 0, 0 orders, 0 certificates; "
        f"the same approval committed queues {[task for task, _ in queued]}"
    )
