"""Hash-chained audit rows: editing, reordering or deleting an event is detectable.

Each application and each certificate has its own chain (its "stream"). A new
event stores the hash of the stream's previous event (``prev_hash``) and its own
``hash`` = SHA-256 over the RFC 8785 form of its content and ``prev_hash``. Events
are written while the owning row is locked (every transition locks it), so a
stream's chain is linear without a global lock. ``audit_verify`` recomputes every
chain and checks that each stream ends in the owner's current status, or in a
``deleted`` event when the owner is gone (a deleted draft keeps its history).

An unkeyed chain alone does not stop a database writer who recomputes it
wholesale; ``certificates.anchoring`` signs the chain heads into the
transparency log (``AuditAnchor`` points at those log entries), and PostgreSQL
refuses UPDATE and DELETE on audit rows (migrations 0004 and 0005).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from itertools import groupby
from operator import attrgetter
from typing import Any, Generic, TypeVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.accounts.models import User
from signing.canonical import canonicalize

GENESIS = "0" * 64
# The last event of the chain of an owner that was deleted on purpose (e.g. a draft).
DELETED = "deleted"


class AuditEvent(models.Model):
    """An audit row: who changed what from which status to which, when and why; hash-chained per owner."""

    # PROTECT: deleting a user would rewrite signed history; deactivate users instead.
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    from_status = models.CharField(_("from status"), max_length=16, blank=True)
    to_status = models.CharField(_("to status"), max_length=16, blank=True)
    action = models.CharField(_("action"), max_length=32)
    reason = models.TextField(_("reason"), blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, editable=False)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"


def event_digest(*, stream: str, event: Any) -> str:
    body = {
        "stream": stream,
        "prev": event.prev_hash,
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "action": event.action,
        "from": event.from_status,
        "to": event.to_status,
        "reason": event.reason,
    }
    return hashlib.sha256(canonicalize(body)).hexdigest()


Event = TypeVar("Event", bound=AuditEvent)


class AuditAnchor(models.Model):
    """Where an ``audit_checkpoint`` event signed the chain heads into the transparency log.

    The heads themselves are read back from the signed log entry, never from this
    row; ``through`` holds the newest event id of each event table at that moment,
    so the next anchor knows which streams moved since.
    """

    leaf_index = models.PositiveBigIntegerField(_("log leaf index"), unique=True)
    through = models.JSONField(_("newest event ids"), default=dict)
    at = models.DateTimeField(_("at"))

    class Meta:
        app_label = "certificates"
        ordering = ["leaf_index"]
        verbose_name = _("audit anchor")
        verbose_name_plural = _("audit anchors")

    def __str__(self) -> str:
        return f"audit anchor in log entry {self.leaf_index}"


@dataclass(frozen=True)
class Stream(Generic[Event]):
    """Where one kind of audit row lives: the event model, the field naming its owner, and
    the column holding the owner's id (the foreign key's, unless the owner may be deleted)."""

    model: type[Event]
    owner_field: str
    owner_column: str = ""

    @property
    def column(self) -> str:
        return self.owner_column or f"{self.owner_field}_id"

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def key(self, owner_id: int) -> str:
        return f"{self.label}:{owner_id}"


def audit_record(*, stream: Stream[Event], owner: models.Model, **fields: Any) -> Event:
    """Append an event to ``owner``'s chain; call it while the owner row is locked (or new)."""
    previous = (
        stream.model._default_manager.filter(**{stream.column: owner.pk})
        .order_by("-id")
        .values_list("hash", flat=True)
        .first()
    )
    event = stream.model(**{stream.owner_field: owner}, prev_hash=previous or GENESIS, **fields)
    setattr(event, stream.column, owner.pk)
    event.hash = event_digest(stream=stream.key(owner.pk), event=event)
    event.save(force_insert=True)
    return event


def audit_record_many(
    *, stream: Stream[Event], entries: list[tuple[models.Model, dict[str, Any]]]
) -> list[Event]:
    """``audit_record`` for many owners, each at most once, in two statements: their chains' last
    hashes and the new rows; call it while every owner row is locked (or new)."""
    manager = stream.model._default_manager
    owned = manager.filter(**{f"{stream.column}__in": [owner.pk for owner, _fields in entries]})
    newest = owned.order_by().values(stream.column).annotate(newest=models.Max("id")).values("newest")
    last = dict(manager.filter(id__in=models.Subquery(newest)).values_list(stream.column, "hash"))
    events = []
    for owner, fields in entries:
        event = stream.model(**{stream.owner_field: owner}, prev_hash=last.get(owner.pk, GENESIS), **fields)
        setattr(event, stream.column, owner.pk)
        event.hash = event_digest(stream=stream.key(owner.pk), event=event)
        events.append(event)
    return manager.bulk_create(events)


@dataclass(frozen=True)
class AuditProblem:
    stream: str
    event_id: int | None
    message: str

    def __str__(self) -> str:
        where = f"event {self.event_id}" if self.event_id else "stream"
        return f"{self.stream} {where}: {self.message}"


def audit_verify(*, stream: Stream[Any], owner_statuses: dict[int, str]) -> Iterator[AuditProblem]:
    """Every inconsistency of one event table, in order: broken links, altered rows, truncated chains."""
    seen: set[int] = set()
    for owner_id, events in _chains(stream):
        seen.add(owner_id)
        yield from _check_links(stream.key(owner_id), events)
        yield from _check_tail(stream.key(owner_id), events, owner_statuses.get(owner_id))
    for owner_id in sorted(set(owner_statuses) - seen):
        yield AuditProblem(stream.key(owner_id), None, "has no events at all (its history was deleted)")


def _chains(stream: Stream[Any]) -> Iterator[tuple[int, list[Any]]]:
    """Each owner's events in chain order, one owner at a time."""
    events = stream.model._default_manager.order_by(stream.column, "id").iterator(chunk_size=2000)
    for owner_id, chain in groupby(events, key=attrgetter(stream.column)):
        yield owner_id, list(chain)


def _check_links(key: str, events: list[Any]) -> Iterator[AuditProblem]:
    previous_hash = GENESIS
    for event in events:
        if event.prev_hash != previous_hash:
            yield AuditProblem(key, event.pk, "previous-hash link is broken (a row was removed or reordered)")
        if event.hash != event_digest(stream=key, event=event):
            yield AuditProblem(key, event.pk, "content does not match its hash (the row was edited)")
        previous_hash = event.hash


def _check_tail(key: str, events: list[Any], owner_status: str | None) -> Iterator[AuditProblem]:
    deleted = events[-1].action == DELETED
    if owner_status is None and not deleted:
        yield AuditProblem(key, None, "events of an owner that does not exist")
    elif owner_status is not None and deleted:
        yield AuditProblem(key, None, f"chain ends in {DELETED!r} but the record exists")
    elif owner_status is not None and _last_status(events) != owner_status:
        yield AuditProblem(
            key,
            None,
            f"chain ends in {_last_status(events)!r} but the record is {owner_status!r} "
            "(the newest events were removed)",
        )


def _last_status(events: list[Any]) -> str | None:
    return next((event.to_status for event in reversed(events) if event.to_status), None)
