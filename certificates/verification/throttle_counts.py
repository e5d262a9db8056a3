"""Throttle counts kept per process and added to the shared cache's at most every ``SYNC_SECONDS``.

A request is decided here, without a round trip: it counts locally, and it is let through while
the caller's count as last read from the shared cache plus this process's hits since stays within
the rate. Every ``SYNC_SECONDS`` the first request to come adds the process's hits to the shared
counters (one pipelined round trip for every caller seen) and reads their totals back. Windows are
fixed, opened in the shared cache by the first hit added to them. A caller can therefore pass the
rate by what the other processes let through since their last sync: at most ``SYNC_SECONDS`` of its
requests per process.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache import caches

from certsvc.cache import CACHE_ERRORS

logger = logging.getLogger(__name__)

SYNC_SECONDS = 0.1

# key -> [hits not yet added, window seconds]; key -> (total read at its last sync, its window's end)
_pending: dict[str, list[int]] = {}
_totals: dict[str, tuple[int, float]] = {}
_state = {"synced_at": float("-inf")}
_lock = threading.Lock()


def throttle_count(key: str, duration: int) -> int:
    """Count one request under ``key`` (window ``duration`` s); its count as this process knows it."""
    now = time.monotonic()
    if now - _state["synced_at"] >= SYNC_SECONDS:
        _state["synced_at"] = now
        throttle_sync()
    with _lock:
        hits = _pending.setdefault(key, [0, duration])
        hits[0] += 1
        total, ends = _totals.get(key, (0, now))
        return (total if now < ends else 0) + hits[0]


def throttle_sync() -> None:
    """Add this process's hits to the shared counters and read their totals (cache errors propagate)."""
    with _lock:
        pending = dict(_pending)
        _pending.clear()
    now = time.monotonic()
    try:
        totals = _add(pending, now) if pending else {}
    except CACHE_ERRORS:
        _totals.clear()
        raise
    with _lock:
        for key in [key for key, (_, ends) in _totals.items() if ends <= now]:
            del _totals[key]
        _totals.update(totals)


def throttle_counts_forget() -> None:
    with _lock:
        _pending.clear()
        _totals.clear()
        _state["synced_at"] = float("-inf")


def _add(pending: dict[str, list[int]], now: float) -> dict[str, tuple[int, float]]:
    """Add the hits; each key's total and the end of its window (monotonic time)."""
    backend = caches["default"]
    client = _redis_client(backend)
    if client is None:
        return {
            key: (_add_one(backend, key, hits, duration), now + duration)
            for key, (hits, duration) in pending.items()
        }
    pipeline = client.pipeline(transaction=False)
    for key, (hits, duration) in pending.items():
        name = backend.make_key(key)
        pipeline.incrby(name, hits)
        pipeline.expire(name, duration, nx=True)
        pipeline.pttl(name)
    results = pipeline.execute()
    return {
        key: (int(results[3 * i]), now + max(0, int(results[3 * i + 2])) / 1000)
        for i, key in enumerate(pending)
    }


def _add_one(backend: Any, key: str, hits: int, duration: int) -> int:
    """Any other cache backend: open the window with ``add``, then ``incr``."""
    backend.add(key, 0, timeout=duration)
    try:
        return int(backend.incr(key, hits))
    except ValueError:  # the window closed between the two calls
        backend.set(key, hits, timeout=duration)
        return hits


def _redis_client(backend: Any) -> Any:
    """The raw Redis client of a django-redis backend, else ``None``."""
    client = getattr(backend, "client", None)
    get_client = getattr(client, "get_client", None)
    return get_client(write=True) if get_client is not None else None
