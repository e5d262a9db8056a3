"""Audit anchors: the chain heads, signed into the transparency log, that a recomputed chain cannot match.

A database writer can edit an audit row and recompute every hash after it; the chain
alone still verifies. ``audit_anchor`` therefore appends an ``audit_checkpoint`` event
(CONTRACT §5) to the transparency log, which customs witness and the registry key signs:

    {"event": "audit_checkpoint", "heads": {"<stream>": "<hash>", …}, "at": "<RFC 3339>"}

A stream is named ``<event table label>:<owner id>``, e.g.
``certificates.applicationevent:12`` or ``certificates.certificateevent:7`` (the
certificate's row id), as ``Stream.key`` names it inside each event's hash. ``heads``
holds the newest hash of every stream that gained events since the previous anchor
(all streams, the first time), so an anchor stays as small as the change it records.
``audit_problems`` then requires every anchored hash to still be in its stream.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from certificates.applications.models import Application
from certificates.applications.services import APPLICATION_STREAM
from certificates.audit import AuditAnchor, AuditProblem, Stream, audit_verify
from certificates.issuance.history import CERTIFICATE_STREAM, LOG_EVENT_TYP, certificate_log_event_append
from certificates.issuance.models import Certificate
from signing.jws import JWSError
from signing.services import jws_verify
from signing.times import rfc3339
from signing.transparency.services import LogError, log_leaf_get

CHECKPOINT_EVENT = "audit_checkpoint"
STREAMS: tuple[Stream[Any], ...] = (APPLICATION_STREAM, CERTIFICATE_STREAM)


@dataclass(frozen=True)
class AuditReport:
    events: int
    anchors: int


def audit_anchor(*, now: datetime | None = None) -> AuditAnchor | None:
    """Sign the heads of every stream that moved since the last anchor into the log; ``None`` if none moved.

    Safe to run twice: the second run finds nothing new. The previous anchor row is
    locked, so two runs at once anchor one after the other.
    """
    moment = now or timezone.now()
    with transaction.atomic():
        previous = AuditAnchor.objects.select_for_update().order_by("-leaf_index").first()
        heads, through = _heads_since(previous.through if previous else {})
        if not heads:
            return None
        body = {"event": CHECKPOINT_EVENT, "heads": heads, "at": rfc3339(moment)}
        index = certificate_log_event_append(body)
        return AuditAnchor.objects.create(leaf_index=index, through=through, at=moment)


def _heads_since(through: dict[str, int]) -> tuple[dict[str, str], dict[str, int]]:
    """The newest hash of each stream with events after ``through``, and the newest event ids now."""
    heads: dict[str, str] = {}
    newest = dict(through)
    for stream in STREAMS:
        newer = stream.model._default_manager.filter(id__gt=through.get(stream.label, 0)).order_by("id")
        for event_id, owner_id, digest in newer.values_list("id", stream.column, "hash").iterator():
            heads[stream.key(owner_id)] = digest
            newest[stream.label] = event_id
    return heads, newest


def audit_counts() -> AuditReport:
    return AuditReport(
        events=sum(stream.model._default_manager.count() for stream in STREAMS),
        anchors=AuditAnchor.objects.count(),
    )


def audit_problems() -> Iterator[AuditProblem]:
    """Every chain (links, hashes, tails), then every anchor against the chains: problems in that order."""
    owners = {
        APPLICATION_STREAM: dict(Application.objects.values_list("id", "status")),
        CERTIFICATE_STREAM: dict(Certificate.objects.values_list("id", "status")),
    }
    for stream in STREAMS:
        yield from audit_verify(stream=stream, owner_statuses=owners[stream])
    yield from audit_anchors_verify()


def audit_anchors_verify() -> Iterator[AuditProblem]:
    """Each anchor's signed heads, read back from the log, must still be hashes of their streams."""
    known = _known_hashes()
    for anchor in AuditAnchor.objects.order_by("leaf_index").iterator():
        heads, problem = _anchored_heads(anchor)
        if problem:
            yield problem
        for key, digest in sorted(heads.items()):
            if digest not in known[key]:
                yield AuditProblem(
                    key,
                    None,
                    f"anchored head {digest[:16]}… (log entry {anchor.leaf_index}) is not in "
                    "the chain (the chain was recomputed or cut)",
                )


def _known_hashes() -> defaultdict[str, set[str]]:
    known: defaultdict[str, set[str]] = defaultdict(set)
    for stream in STREAMS:
        for owner_id, digest in stream.model._default_manager.values_list(stream.column, "hash").iterator():
            known[stream.key(owner_id)].add(digest)
    return known


def _anchored_heads(anchor: AuditAnchor) -> tuple[dict[str, str], AuditProblem | None]:
    """The heads in the anchor's log entry, after checking its signature, type and event name."""
    where = f"audit anchor {anchor.leaf_index}"
    try:
        token = bytes(log_leaf_get(leaf_index=anchor.leaf_index).entry).decode("ascii")
        body = json.loads(jws_verify(token=token, expected_typ=LOG_EVENT_TYP).payload)
    except (LogError, JWSError, UnicodeDecodeError, ValueError) as error:
        return {}, AuditProblem(where, None, f"its log entry is not a valid signed event ({error})")
    if not isinstance(body, dict) or body.get("event") != CHECKPOINT_EVENT:
        return {}, AuditProblem(where, None, "its log entry is not an audit_checkpoint event")
    return dict(body.get("heads") or {}), None
