"""What the checks established about a certificate on record, remembered per process.

Keyed by what the registry row says of it (jws_sha256, kid, public key, log_index): a row read
again after a change finds what was established under the same key, so the JWS is not parsed and
its signature not verified again. Nothing of it is shared with other processes: verifying a
signature (some 85 µs) costs less than a round trip to a shared cache.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from signing.jws import ParsedJWS
from signing.transparency.models import LogLeaf

ON_RECORD_CACHE_SIZE = 200_000

RecordKey = tuple[str, str, str | None, int | None]  # (jws_sha256, kid, public_x, log_index)


@dataclass(frozen=True)
class OnRecord:
    """The inputs of the checks that never change; ``parsed``, ``verified_with``, ``signed_document``
    once checked."""

    jws: str
    document: dict[str, Any] | None  # the registry's, for an unsound record; else the signed one is shown
    logged_hash: bytes | None
    parsed: ParsedJWS | None = None
    verified_with: tuple[str, str] | None = None
    signed_document: dict[str, Any] | None = None  # the JWS payload parsed


_remembered: dict[RecordKey, OnRecord] = {}
_lock = threading.Lock()


def remembered(record_key: RecordKey) -> OnRecord | None:
    return _remembered.get(record_key)


def remember(record_key: RecordKey, known: OnRecord) -> None:
    with _lock:
        if len(_remembered) >= ON_RECORD_CACHE_SIZE:
            _remembered.clear()
        _remembered[record_key] = known


def forget_all() -> None:
    with _lock:
        _remembered.clear()


def leaf_table() -> str:
    return LogLeaf._meta.db_table
