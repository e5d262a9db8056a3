"""PostgreSQL: concurrent activations never leave two active keys."""

from __future__ import annotations

import threading

from django.db import connection

from signing.errors import SigningKeyStateError
from signing.models import SigningKey
from signing.services import signing_key_create, signing_key_ensure_active, signing_key_rotate


def _in_threads(func, count: int = 2) -> list:
    barrier = threading.Barrier(count)
    results: list = []

    def run():
        try:
            barrier.wait(timeout=5)
            results.append(func())
        except Exception as exc:  # the test inspects what each thread met
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_concurrent_ensure_active_yields_one_active_key(postgres, kek):
    results = _in_threads(signing_key_ensure_active, count=3)
    assert all(isinstance(r, SigningKey) for r in results), results
    assert len({r.kid for r in results}) == 1
    assert SigningKey.objects.filter(status="active").count() == 1


def test_concurrent_rotations_leave_exactly_one_active_key(postgres, kek):
    first = signing_key_create(activate=True)
    results = _in_threads(signing_key_rotate)
    rotated = [r for r in results if isinstance(r, SigningKey)]
    assert rotated, results
    assert all(isinstance(r, SigningKey | SigningKeyStateError) for r in results), results
    active = SigningKey.objects.get(status="active")
    assert active.kid in {r.kid for r in rotated}
    assert SigningKey.objects.get(pk=first.pk).status == "retired"
    # A rotation that lost the race leaves nothing behind.
    assert SigningKey.objects.count() == 1 + len(rotated)
