"""Per-process copies of the rows verification by number reads, dropped within a second of a change.

Verify by number reads a certificate's changing parts (status, dates, replacement, exhaustion),
its key and the active key on every request. They change rarely, so each process keeps the rows
it read and drops them all when a shared epoch moves. Two epochs are watched, read together from
the shared cache at most every ``CHECK_SECONDS``: the registry's, moved by every save of a
certificate that changes what the row holds (``registry_changed``), now and again when the change
commits, and the key documents' (``signing.published``), moved by every key change. So the call
that revokes, supersedes, exhausts or revokes a key has moved the epoch before it returns, and
every process has forgotten its rows ``CHECK_SECONDS`` later.

It fails towards the database: a row is kept only when the epochs were read a moment ago; when
the shared cache does not answer, or the last reading is older than ``STALE_SECONDS`` (an idle
process: an epoch moved during a cache outage could have been missed), every row is dropped; no
row is kept longer than ``MAX_AGE_SECONDS``. Rows hold no access code (CONTRACT §9 keeps it out
of caches): a request that sends one reads its row from the database.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, Protocol, TypeVar

from django.core.cache import cache
from django.db import transaction

from certsvc.cache import CACHE_ERRORS
from signing.published import EPOCH_KEY as KEYS_EPOCH_KEY

logger = logging.getLogger(__name__)

REGISTRY_EPOCH_KEY = "certsvc:verification:registry-epoch"
CHECK_SECONDS = 0.25
STALE_SECONDS = 2 * CHECK_SECONDS
MAX_AGE_SECONDS = 60.0
LOCAL_ROWS_SIZE = 100_000
# Columns the row reads; saves touching only others (the JWS set once at issuance, the PDF) keep the rows.
ROW_COLUMNS = frozenset(
    {
        "number",
        "status",
        "type",
        "issued_at",
        "valid_from",
        "valid_until",
        "revoked_at",
        "revocation_reason",
        "superseded_by",
        "exhausted_at",
    }
)


class Keepable(Protocol):
    @property
    def keepable(self) -> bool: ...


RowT = TypeVar("RowT", bound=Keepable)

_rows: dict[Hashable, tuple[float, Any]] = {}
_state: dict[str, Any] = {"epochs": None, "read_at": float("-inf"), "generation": 0}
_lock = threading.Lock()


def local_row(number: Hashable, read: Callable[[Any], RowT]) -> RowT:
    """The row of ``number``: this process's copy while the epochs stand, else ``read(number)``.

    ``number`` may be a tuple, which no number is, naming something else kept under the same rules
    (``known_keys``).
    """
    now = time.monotonic()
    _epochs_check(now)
    kept = _rows.get(number)
    if kept is not None and now - kept[0] < MAX_AGE_SECONDS:
        return kept[1]  # type: ignore[no-any-return]  # stored by this function from ``read``
    generation = _state["generation"]
    row = read(number)
    if row.keepable and now - _state["read_at"] < STALE_SECONDS:
        _keep(number, row, generation, now)
    return row


def local_rows_forget() -> None:
    with _lock:
        _rows.clear()
        _state["generation"] += 1


def registry_changed(
    *, sender: Any = None, update_fields: Any = None, created: bool = False, **_: Any
) -> None:
    """Signal receiver (a certificate saved or deleted): move the registry epoch if the row changed.

    A new certificate changes no row kept anywhere (unknown numbers are not kept), nor does a
    save of columns the row does not read.
    """
    if created or (update_fields is not None and not ROW_COLUMNS.intersection(update_fields)):
        return
    registry_epoch_bump()
    transaction.on_commit(registry_epoch_bump)


def registry_epoch_bump() -> None:
    local_rows_forget()
    try:
        cache.set(REGISTRY_EPOCH_KEY, secrets.token_hex(8), timeout=None)
    except CACHE_ERRORS:  # the change stands; other processes drop their rows on their failed check
        logger.exception("could not move the registry epoch in the shared cache")


def _keep(number: Hashable, row: Any, generation: int, now: float) -> None:
    with _lock:
        if generation != _state["generation"]:
            return  # an epoch moved while the row was read: it may predate the change
        if len(_rows) >= LOCAL_ROWS_SIZE:
            _rows.clear()
        _rows[number] = (now, row)


def _epochs_check(now: float) -> None:
    if now - _state["read_at"] < CHECK_SECONDS:
        return
    stale = now - _state["read_at"] >= STALE_SECONDS
    epochs = _epochs_read()
    if epochs is None or stale or epochs != _state["epochs"]:
        local_rows_forget()
    with _lock:
        _state["epochs"] = epochs
        _state["read_at"] = now if epochs is not None else float("-inf")


def _epochs_read() -> tuple[Any, Any] | None:
    try:
        found = cache.get_many([REGISTRY_EPOCH_KEY, KEYS_EPOCH_KEY])
    except CACHE_ERRORS:
        logger.warning("shared cache unavailable; verification rows read from the registry", exc_info=True)
        return None
    return found.get(REGISTRY_EPOCH_KEY), found.get(KEYS_EPOCH_KEY)
