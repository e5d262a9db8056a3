"""PostgreSQL-only races: two officers acting on the same application at the same moment."""

import threading

from django.db import connection, transaction

from certificates.accounts.models import User
from certificates.applications import services
from certificates.applications.models import Application
from certificates.applications.services import ApplicationError
from certificates.issuance.models import IssuanceOrder
from tests.applications.factories import ApplicationFactory, UserFactory


def _race(workers, run):
    """Run ``run(worker)`` in one thread per worker, released together; return the outcomes."""
    barrier = threading.Barrier(len(workers))
    outcomes = []

    def target(worker):
        try:
            barrier.wait(5)
            outcomes.append(run(worker))
        except ApplicationError as error:
            outcomes.append(error.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def test_two_officers_approving_at_once_yield_one_approval_and_one_conflict(postgres):
    application = ApplicationFactory(status=Application.Status.SUBMITTED)
    officers = [UserFactory(role=User.Role.OFFICER) for _ in range(2)]

    def approve(officer):
        # Each thread re-reads the row so both start from the same "submitted" snapshot.
        stale = Application.objects.get(pk=application.pk)
        with transaction.atomic():
            services.application_approve(application=stale, actor=officer)
        return 200

    outcomes = _race(officers, approve)

    assert sorted(outcomes) == [200, 409]
    order = IssuanceOrder.objects.get(application=application)
    assert order.queued_at is not None  # queued once, after the winning commit
    assert application.events.filter(action="approved").count() == 1


def test_approve_and_reject_at_once_leave_one_decision(postgres):
    application = ApplicationFactory(status=Application.Status.SUBMITTED)
    approver, rejecter = UserFactory(role=User.Role.OFFICER), UserFactory(role=User.Role.OFFICER)

    def decide(officer):
        stale = Application.objects.get(pk=application.pk)
        if officer == approver:
            services.application_approve(application=stale, actor=officer)
        else:
            services.application_reject(application=stale, actor=officer, reason="duplicate")
        return 200

    outcomes = _race([approver, rejecter], decide)

    assert sorted(outcomes) == [200, 409]
    decisions = application.events.filter(action__in=["approved", "rejected"])
    assert decisions.count() == 1
    application.refresh_from_db()
    assert application.status == decisions.get().to_status
