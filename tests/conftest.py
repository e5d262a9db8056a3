import time

import pytest
from django.test import TransactionTestCase

from tests.services import require_postgres, require_redis, running_worker

_flush = TransactionTestCase._fixture_teardown


def _flush_through_deadlocks(self: TransactionTestCase) -> None:
    """Flush after a live-server test, again if PostgreSQL picked the flush as a deadlock's victim.

    A request the browser left in flight may still be reading when the flush truncates every table;
    the two lock tables in opposite orders and PostgreSQL aborts one. The reader's request ends
    with the test; the flush, tried again a moment later, then goes through.
    """
    for attempt in range(3):
        try:
            return _flush(self)
        except Exception as error:
            if attempt == 2 or "deadlock detected" not in str(error.__cause__ or error):
                raise
            time.sleep(0.5)


TransactionTestCase._fixture_teardown = _flush_through_deadlocks  # type: ignore[method-assign]


@pytest.fixture
def postgres(transactional_db):
    """Marks a test that needs PostgreSQL itself (locks, concurrency)."""
    require_postgres()


@pytest.fixture
def redis_broker():
    return require_redis()


@pytest.fixture
def celery_worker(transactional_db, redis_broker):
    """A real Celery worker process over Redis, on the test database."""
    with running_worker() as worker:
        yield worker


@pytest.fixture(autouse=True)
def _readiness_computed_afresh():
    """``/readyz`` keeps its report for a moment per process; each test starts without one."""
    from certsvc.health import readiness_recent_forget

    readiness_recent_forget()
    yield
    readiness_recent_forget()


@pytest.fixture(autouse=True)
def _published_keys_rebuilt():
    """The JWKS and key list are kept per process; a rolled-back test sends no key signal."""
    from signing.published import published_forget

    published_forget()
    yield
    published_forget()


@pytest.fixture(autouse=True)
def _verification_local_state_forgotten():
    """Rows and throttle counts are kept per process; a rolled-back test moves no epoch when it ends."""
    from certificates.verification.local_rows import local_rows_forget
    from certificates.verification.throttle_counts import throttle_counts_forget

    local_rows_forget()
    throttle_counts_forget()
    yield
    local_rows_forget()
    throttle_counts_forget()


@pytest.fixture
def epochs_read_once(monkeypatch):
    """The shared epochs read once and trusted for the test: query counts that no clock can move.

    A process reads the epochs every ``CHECK_SECONDS`` and drops its kept rows when they moved
    (as they do once more after a change this process made and already forgot) or when its last
    reading is older than ``STALE_SECONDS``. Where those instants fall between two requests of
    a test depends on the machine's load; changes made in this process still drop the rows.
    """
    from certificates.verification import local_rows

    monkeypatch.setattr(local_rows, "CHECK_SECONDS", 3600.0)
    monkeypatch.setattr(local_rows, "STALE_SECONDS", 3600.0)
    monkeypatch.setitem(local_rows._state, "read_at", float("-inf"))
