"""The signed status bundle for offline verifiers (CONTRACT §4)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Count, Max, Q, Value
from django.utils import timezone

from certificates.issuance.models import Certificate
from certificates.verification.bundle_history import (
    bundle_changes_since,
    bundle_history_lock,
    bundle_history_record,
    bundle_issue_moment,
    bundle_since_require,
)
from certificates.verification.receipts import jws_sign_or_unavailable
from certificates.verification.soft_cache import cache_get, cache_set
from certificates.verification.statuses import EXHAUSTED
from certificates.verification.times import rfc3339
from signing.canonical import canonicalize
from signing.jws import TYP_STATUS
from signing.models import SigningKey
from signing.selectors import signing_key_list_published
from signing.transparency.models import Witness
from signing.transparency.witnesses import witnesses_jwks

BUNDLE_CACHE_KEY = "certsvc:verification:status-bundle"
MAX_BUNDLE_TTL_SECONDS = 24 * 3600
# Not a key status: marks the witnesses' rows among the keys' in the cache key's query.
WITNESS_STATE = "witness"


def status_bundle_entries() -> list[dict[str, str]]:
    """Every revoked, superseded or exhausted certificate, with the moment it stopped being valid.

    Read as plain values (no document, JWS or model instance per row): at 10⁶ certificates the
    bundle lists some 40,000.
    """
    ended = Q(status__in=[Certificate.Status.REVOKED, Certificate.Status.SUPERSEDED])
    exhausted = Q(status=Certificate.Status.ISSUED, exhausted_at__isnull=False)
    rows = (
        Certificate.objects.filter(ended | exhausted)
        .order_by("number")
        .values_list("number", "status", "revoked_at", "exhausted_at", "superseded_by__issued_at")
    )
    return [_bundle_entry(*row) for row in rows]


def _bundle_entry(
    number: str,
    status: str,
    revoked_at: datetime | None,
    exhausted_at: datetime | None,
    replaced_at: datetime | None,
) -> dict[str, str]:
    """An entry; a superseded certificate stopped being valid when its replacement was issued."""
    if status == Certificate.Status.ISSUED and exhausted_at is not None:
        return {"number": number, "status": EXHAUSTED, "since": rfc3339(exhausted_at)}
    since = revoked_at or (replaced_at if status == Certificate.Status.SUPERSEDED else None)
    if since is None:
        raise ValueError(f"{number} is {status} with no time it stopped being valid")
    return {"number": number, "status": status, "since": rfc3339(since)}


def status_bundle_signed(*, now: datetime | None = None) -> str:
    """The signed bundle, cached while no certificate changed status and the active key is the same.

    Statuses only ever leave ``issued``, so the count of the others changes with every revocation
    or supersession; keying on the active key means a revoked key's bundle is not served on, and on
    the count of revoked keys that a key revoked while retired is listed at once.
    """
    return status_bundle_current(now=now)["token"]


def status_bundle_current(*, now: datetime | None = None) -> dict[str, str]:
    """``token`` (the signed bundle, as ``status_bundle_signed``), its ``issued_at`` and ``next_update``."""
    key = status_bundle_cache_key()
    cached = cache_get(key)
    if isinstance(cached, dict) and {"token", "issued_at", "next_update"} <= set(cached):
        return cached
    current = status_bundle_issue(now or timezone.now())
    cache_set(key, current, timeout=status_bundle_cache_seconds())
    return current


def status_bundle_cache_key() -> str:
    """Names the bundle of the registry's present state (certificates and keys)."""
    return f"{BUNDLE_CACHE_KEY}:{_certificate_states()}:{_key_states()}"


def status_delta_signed(*, since: str, now: datetime | None = None) -> str:
    """The signed delta from the bundle issued at ``since`` to the current one; 409 ``delta_unavailable``
    unless a bundle of the last 7 days was issued at ``since``."""
    now = now or timezone.now()
    moment = bundle_since_require(since, now)
    current = status_bundle_current(now=now)
    key = f"{BUNDLE_CACHE_KEY}:delta:{current['issued_at']}:{rfc3339(moment)}"
    cached = cache_get(key)
    if isinstance(cached, str):
        return cached
    body = {
        "issued_at": current["issued_at"],
        "next_update": current["next_update"],
        "since": rfc3339(moment),
        "keys": status_bundle_keys(),
        "entries": bundle_changes_since(moment),
    }
    token = jws_sign_or_unavailable(payload=canonicalize(body), typ=TYP_STATUS)
    cache_set(key, token, timeout=status_bundle_cache_seconds())
    return token


def _certificate_states() -> str:
    """How many certificates left ``issued``, and how many are exhausted (which annulment undoes) and
    the newest exhaustion: together these change with every change of the bundle's entries."""
    states = Certificate.objects.aggregate(
        ended=Count("id", filter=~Q(status=Certificate.Status.ISSUED)),
        exhausted=Count("id", filter=Q(exhausted_at__isnull=False)),
        newest=Max("exhausted_at"),
    )
    newest = states["newest"].timestamp() if states["newest"] else 0
    return f"{states['ended']}:{states['exhausted']}:{newest}"


def _key_states() -> str:
    """The active keys (the registry's and each body's), the number of revoked ones (revocation is
    for good) and the active witnesses' keys, in one query: the bundle names the witnesses too."""
    rows = SigningKey.objects.filter(status__in=[SigningKey.Status.ACTIVE, SigningKey.Status.REVOKED])
    witnesses = Witness.objects.filter(active=True).annotate(
        state=Value(WITNESS_STATE, output_field=CharField())
    )
    # No ordering inside a UNION (SQLite refuses it; the models order by default).
    states = list(
        rows.order_by().values_list("status", "kid").union(witnesses.order_by().values_list("state", "kid"))
    )
    active = sorted(kid for status, kid in states if status == SigningKey.Status.ACTIVE)
    revoked = sum(status == SigningKey.Status.REVOKED for status, _ in states)
    witnessing = sorted(kid for status, kid in states if status == WITNESS_STATE)
    return f"{','.join(active)}:{revoked}:{','.join(witnessing)}"


def _witnesses() -> list[dict[str, str]]:
    """The witnesses whose cosignatures offline verifiers count (CONTRACT §4 v1.1, §11)."""
    return witnesses_jwks()["keys"]


def status_bundle_sign(now: datetime) -> str:
    """A bundle issued at ``now`` (or the next free second), signed now (uncached), and recorded."""
    return status_bundle_issue(now)["token"]


def status_bundle_issue(now: datetime) -> dict[str, str]:
    """Build, record (for deltas) and sign a bundle, in one transaction: signing fails, nothing is kept."""
    with transaction.atomic():
        bundle_history_lock()
        issued_at = bundle_issue_moment(now)
        entries = status_bundle_entries()
        bundle_history_record(entries, issued_at)
        times = {
            "issued_at": rfc3339(issued_at),
            "next_update": rfc3339(issued_at + timedelta(seconds=status_bundle_ttl_seconds())),
        }
        body = {**times, "entries": entries, "keys": status_bundle_keys(), "witnesses": _witnesses()}
        token = jws_sign_or_unavailable(payload=canonicalize(body), typ=TYP_STATUS)
    return {"token": token, **times}


def status_bundle_keys() -> list[dict[str, str | None]]:
    """The state of every key of the JWKS, in its order: offline, revoked keys are known from this alone."""
    return [
        {
            "kid": key.kid,
            "status": key.status,
            "compromised_at": rfc3339(key.compromised_at) if key.compromised_at else None,
        }
        for key in signing_key_list_published()
    ]


def status_bundle_ttl_seconds() -> int:
    """The bundle's validity; never over 24 hours, which offline verifiers refuse (CONTRACT §4 v1.1)."""
    return min(int(getattr(settings, "STATUS_BUNDLE_TTL_SECONDS", 3600)), MAX_BUNDLE_TTL_SECONDS)


def status_bundle_cache_seconds() -> int:
    """How long one signed bundle is served; never longer than its own validity."""
    return min(int(getattr(settings, "STATUS_BUNDLE_CACHE_SECONDS", 60)), status_bundle_ttl_seconds())
