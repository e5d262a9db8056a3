"""Hash-chained audit rows: editing, reordering or deleting an event is detectable.

Each application and each certificate has its own chain (its "stream"). A new
event stores the hash of the stream's previous event (``prev_hash``) and its own
``hash`` = SHA-256 over the RFC 8785 form of its content and ``prev_hash``. Events
are written while the owning row is locked (every transition locks it), so a
stream's chain is linear without a global lock. ``audit_verify`` recomputes every
chain and checks that each stream ends in the owner's current status.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any, Generic, TypeVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.accounts.models import User
from signing.canonical import canonicalize

GENESIS = "0" * 64


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


@dataclass(frozen=True)
class Stream(Generic[Event]):
    """Where one kind of audit row lives: the event model and the field naming its owner."""

    model: type[Event]
    owner_field: str

    def key(self, owner_id: int) -> str:
        return f"{self.model._meta.label_lower}:{owner_id}"


def audit_record(*, stream: Stream[Event], owner: models.Model, **fields: Any) -> Event:
    """Append an event to ``owner``'s chain; call it while the owner row is locked (or new)."""
    previous = (
        stream.model._default_manager.filter(**{f"{stream.owner_field}_id": owner.pk})
        .order_by("-id")
        .values_list("hash", flat=True)
        .first()
    )
    event = stream.model(**{stream.owner_field: owner}, prev_hash=previous or GENESIS, **fields)
    event.hash = event_digest(stream=stream.key(owner.pk), event=event)
    event.save(force_insert=True)
    return event


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
    owner_column = f"{stream.owner_field}_id"
    events = stream.model._default_manager.order_by(owner_column, "id").iterator(chunk_size=2000)
    current_owner, previous_hash, last_status, seen = None, GENESIS, None, set()
    for event in events:
        owner_id = getattr(event, owner_column)
        if owner_id != current_owner:
            yield from _check_tail(stream, current_owner, last_status, owner_statuses)
            current_owner, previous_hash, last_status = owner_id, GENESIS, None
            seen.add(owner_id)
        key = stream.key(owner_id)
        if event.prev_hash != previous_hash:
            yield AuditProblem(key, event.pk, "previous-hash link is broken (a row was removed or reordered)")
        if event.hash != event_digest(stream=key, event=event):
            yield AuditProblem(key, event.pk, "content does not match its hash (the row was edited)")
        previous_hash, last_status = event.hash, event.to_status or last_status
    yield from _check_tail(stream, current_owner, last_status, owner_statuses)
    for owner_id in sorted(set(owner_statuses) - seen):
        yield AuditProblem(stream.key(owner_id), None, "has no events at all (its history was deleted)")


def _check_tail(
    stream: Stream[Any], owner_id: int | None, last_status: str | None, owner_statuses: dict[int, str]
) -> Iterator[AuditProblem]:
    if owner_id is None:
        return
    if owner_id not in owner_statuses:
        yield AuditProblem(stream.key(owner_id), None, "events of an owner that does not exist")
    elif last_status != owner_statuses[owner_id]:
        yield AuditProblem(
            stream.key(owner_id),
            None,
            f"chain ends in {last_status!r} but the record is {owner_statuses[owner_id]!r} "
            "(the newest events were removed)",
        )
