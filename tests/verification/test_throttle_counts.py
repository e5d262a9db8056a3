"""Throttle counts: this process's hits added to the shared counter, other processes' read back."""

from __future__ import annotations

import time

import pytest
from django.core.cache import caches

from certificates.verification import throttle_counts
from tests.services import require_redis

pytestmark = pytest.mark.redis


def test_the_hits_of_other_processes_count_once_synced_and_the_window_ends_with_the_shared_one():
    require_redis()
    key = "throttle:test-counts:caller"
    caches["default"].delete(key)
    throttle_counts.throttle_counts_forget()
    assert throttle_counts.throttle_count(key, 60) == 1  # counted here, not yet shared
    caches["default"].set(key, 5, timeout=60)  # what the other processes have added meanwhile
    throttle_counts.throttle_sync()
    assert caches["default"].get(key) == 6  # this process's hit added to theirs
    total, ends = throttle_counts._totals[key]
    assert total == 6
    assert time.monotonic() + 55 < ends <= time.monotonic() + 60  # the shared window's end, read back
    assert throttle_counts.throttle_count(key, 60) == 7  # the shared total and the new local hit
    throttle_counts.throttle_counts_forget()
    caches["default"].delete(key)
