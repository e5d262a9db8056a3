"""What never changes about a certificate on record, remembered per process and shared.

The shared cache is not trusted with what an answer shows or with the fact that a signature
verified: entries are authenticated with a key derived from ``SECRET_KEY``, so a forged or altered
entry is ignored (and read from the registry again).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from certificates.verification.soft_cache import cache_get, cache_set
from signing.jws import ParsedJWS
from signing.transparency.models import LogLeaf

ON_RECORD_CACHE_SIZE = 200_000
ON_RECORD_CACHE_PREFIX = "certsvc:verification:on-record"
ON_RECORD_CACHE_SECONDS = 30 * 86400

RecordKey = tuple[str, str, str | None, int | None]  # (jws_sha256, kid, public_x, log_index)


@dataclass(frozen=True)
class OnRecord:
    """The inputs of the checks that never change; ``parsed``, ``verified_with``, ``signed_document``
    once checked."""

    jws: str
    document: dict[str, Any]
    logged_hash: bytes | None
    parsed: ParsedJWS | None = None
    verified_with: tuple[str, str] | None = None
    shared: bool = False
    signed_document: dict[str, Any] | None = None  # the JWS payload parsed, in this process only


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


def shared_key(record_key: RecordKey) -> str:
    digest = hashlib.sha256(repr(record_key).encode()).hexdigest()
    return f"{ON_RECORD_CACHE_PREFIX}:{digest}"


def _mac(text: str) -> str:
    key = hashlib.sha256(b"certsvc verification on-record|" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def shared_get(record_key: RecordKey) -> OnRecord | None:
    """What another process learnt about this JWS on record, if the entry is authentic."""
    stored = cache_get(shared_key(record_key))
    if not isinstance(stored, dict) or not isinstance(stored.get("text"), str):
        return None
    if not hmac.compare_digest(str(stored.get("mac", "")), _mac(stored["text"])):
        return None
    body = json.loads(stored["text"])
    if body.get("record") != list(record_key):
        return None
    return _from_body(body)


def _from_body(body: dict[str, Any]) -> OnRecord:
    logged, verified = body["logged_hash"], body["verified_with"]
    return OnRecord(
        jws=body["jws"],
        document=body["document"],
        logged_hash=bytes.fromhex(logged) if logged is not None else None,
        verified_with=(verified[0], verified[1]) if verified else None,
        shared=True,
    )


def shared_set(record_key: RecordKey, known: OnRecord) -> None:
    logged = known.logged_hash.hex() if known.logged_hash is not None else None
    text = json.dumps(
        {
            "record": list(record_key),
            "jws": known.jws,
            "document": known.document,
            "logged_hash": logged,
            "verified_with": list(known.verified_with) if known.verified_with else None,
        }
    )
    cache_set(shared_key(record_key), {"text": text, "mac": _mac(text)}, timeout=ON_RECORD_CACHE_SECONDS)
