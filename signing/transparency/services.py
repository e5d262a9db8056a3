"""The transparency log: append byte strings, compute roots and proofs, publish checkpoints.

The log knows nothing of what it records. Every operation touches O(log n)
rows: a root or proof is composed of stored complete subtrees, fetched in at
most two queries, and an append writes the leaf plus the subtrees it closes.

Argument rules (a ``LogError``, reported as a 400 problem, otherwise):

- ``log_root``: ``0 <= tree_size <= current size``; the empty tree's root is SHA-256 of nothing.
- ``log_inclusion_proof``: ``0 <= leaf_index < tree_size <= current size``.
- ``log_consistency_proof``: ``1 <= first <= second <= current size``. RFC 9162 §2.1.4
  defines proofs for ``0 < first``; a proof from the empty tree would prove nothing, so
  it is refused. ``first == second`` gives the empty proof.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from rest_framework import status

from certsvc.problems import ProblemError, ServiceUnavailable
from signing.canonical import canonicalize
from signing.errors import NoActiveKey
from signing.jws import TYP_CHECKPOINT
from signing.services import jws_sign
from signing.signals import checkpoint_signed
from signing.times import rfc3339
from signing.transparency import merkle
from signing.transparency.models import Checkpoint, LogHead, LogLeaf, LogNode

__all__ = [
    "CHECKPOINT_TYP",
    "InclusionProof",
    "LogCorrupted",
    "LogError",
    "checkpoint_body",
    "checkpoint_kept",
    "checkpoint_latest",
    "checkpoint_published",
    "encode_hash",
    "log_append",
    "log_consistency_proof",
    "log_entries",
    "log_inclusion",
    "log_inclusion_proof",
    "log_index_for_number",
    "log_leaf_get",
    "log_root",
    "log_size",
]

logger = logging.getLogger(__name__)

CHECKPOINT_TYP = TYP_CHECKPOINT
CHECKPOINT_CACHE_PREFIX = "transparency:checkpoint"
CHECKPOINT_CACHE_SECONDS = 300

T = TypeVar("T")


class LogError(ProblemError):
    """A request for a root or proof that the log cannot answer (bad sizes or index)."""

    status_code = status.HTTP_400_BAD_REQUEST


class LogCorrupted(Exception):
    """A stored subtree that must exist is missing: run ``manage.py verify_log``."""


def encode_hash(value: bytes) -> str:
    """Standard base64 with padding, as CONTRACT §5 fixes for the log."""
    return base64.b64encode(value).decode("ascii")


# --- appending -----------------------------------------------------------------------


def log_append(*, entry: bytes) -> LogLeaf:
    """Append ``entry`` as the next leaf and store the complete subtrees it closes.

    Must run inside the caller's ``transaction.atomic()``: the head row is locked
    with ``select_for_update`` until that transaction ends, which makes the order of
    entries total, and the entry commits or rolls back with whatever it records.
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("log_append must run inside transaction.atomic()")
    head, _ = LogHead.objects.select_for_update().get_or_create(id=LogHead.SINGLETON_ID)
    index = head.tree_size
    leaf_hash = merkle.leaf_hash(entry)
    leaf = LogLeaf.objects.create(index=index, leaf_hash=leaf_hash, entry=entry)
    LogNode.objects.bulk_create(_closed_nodes(index, leaf_hash))
    head.tree_size = index + 1
    head.updated_at = timezone.now()
    head.save(update_fields=["tree_size", "updated_at"])
    return leaf


def _closed_nodes(index: int, new_leaf_hash: bytes) -> list[LogNode]:
    """The subtrees completed by leaf ``index``: one per trailing one-bit of ``index``."""
    left_keys = merkle.left_keys(index)
    left = _hashes(set(left_keys))
    nodes, right = [], new_leaf_hash
    for level, key in enumerate(left_keys, start=1):
        right = merkle.node_hash(left[key], right)
        nodes.append(LogNode(level=level, index=((index + 1) >> level) - 1, hash=right))
    return nodes


# --- reading -------------------------------------------------------------------------


def log_size() -> int:
    size = LogHead.objects.filter(id=LogHead.SINGLETON_ID).values_list("tree_size", flat=True).first()
    return size or 0


def log_leaf_get(*, leaf_index: int) -> LogLeaf:
    _require(0 <= leaf_index < log_size(), "log_index_out_of_range", f"no leaf has index {leaf_index}")
    return LogLeaf.objects.get(index=leaf_index)


def log_index_for_number(*, number: str) -> int:
    """The leaf index of ``number`` through ``settings.TRANSPARENCY_NUMBER_RESOLVER``, or a 404 problem.

    The log does not know what its entries mean; the resolver (a dotted path to
    ``(number: str) -> int | None``) belongs to whoever appends them.
    """
    resolver_path = getattr(settings, "TRANSPARENCY_NUMBER_RESOLVER", "")
    index: int | None = import_string(resolver_path)(number) if resolver_path else None
    if index is None:
        raise ProblemError(
            "log_number_unknown", f"no log entry is known for number {number!r}", status_code=404
        )
    return index


def log_root(*, tree_size: int) -> bytes:
    """MTH of the first ``tree_size`` entries."""
    _require_size(tree_size)
    return _compose(lambda subtree: merkle.range_hash(0, tree_size, subtree))


@dataclass(frozen=True)
class InclusionProof:
    leaf_index: int
    tree_size: int
    leaf_hash: bytes
    audit_path: list[bytes]


def log_inclusion(*, leaf_index: int, tree_size: int | None = None) -> InclusionProof:
    """Leaf hash and audit path (RFC 9162 PATH) of leaf ``leaf_index`` in the tree of size ``tree_size``.

    Without ``tree_size`` the proof is against the current tree.
    """
    tree_size = _inclusion_tree_size(leaf_index, tree_size)
    leaf_hash, audit_path = _compose(
        lambda subtree: (subtree(0, leaf_index), merkle.inclusion_path(leaf_index, tree_size, subtree))
    )
    return InclusionProof(
        leaf_index=leaf_index, tree_size=tree_size, leaf_hash=leaf_hash, audit_path=audit_path
    )


def _inclusion_tree_size(leaf_index: int, tree_size: int | None) -> int:
    """``tree_size``, or the current size when it is ``None``, once the leaf is known to lie within it."""
    if tree_size is None:
        tree_size = log_size()
    else:
        _require_size(tree_size)
    _require(
        0 <= leaf_index < tree_size,
        "log_index_out_of_range",
        f"leaf_index must be at least 0 and smaller than tree_size ({tree_size})",
    )
    return tree_size


def log_inclusion_proof(*, leaf_index: int, tree_size: int) -> list[bytes]:
    """The audit path (RFC 9162 PATH) of leaf ``leaf_index`` in the tree of size ``tree_size``."""
    return log_inclusion(leaf_index=leaf_index, tree_size=tree_size).audit_path


def log_consistency_proof(*, first: int, second: int) -> list[bytes]:
    """The RFC 9162 PROOF that the tree of size ``second`` extends the tree of size ``first``."""
    _require_size(second)
    _require(1 <= first <= second, "log_bad_range", "first must be at least 1 and at most second")
    return _compose(lambda subtree: merkle.consistency_proof(first, second, subtree))


MAX_ENTRIES = 1000


def log_entries(*, start: int, end: int) -> list[bytes]:
    """The entries of leaves ``start <= index < end``: at most ``MAX_ENTRIES``, none past the tree."""
    size = log_size()
    if not 0 <= start <= end <= size:
        raise LogError("log_bad_range", f"start and end must satisfy 0 <= start <= end <= {size}")
    if end - start > MAX_ENTRIES:
        raise LogError("log_range_too_large", f"at most {MAX_ENTRIES} entries at once")
    leaves = LogLeaf.objects.filter(index__gte=start, index__lt=end).order_by("index")
    return [bytes(entry) for entry in leaves.values_list("entry", flat=True)]


def _require(condition: bool, code: str, detail: str) -> None:
    if not condition:
        raise LogError(code, detail)


def _require_size(tree_size: int) -> None:
    size = log_size()
    _require(0 <= tree_size <= size, "log_size_out_of_range", f"tree_size must be between 0 and {size}")


def _compose(generate: Callable[[merkle.SubtreeHash], T]) -> T:
    """Run a generator twice: once to learn which subtrees it reads, once over them fetched."""
    hashes = _hashes(merkle.nodes_needed(generate))
    return generate(lambda level, index: hashes[(level, index)])


def _hashes(keys: set[merkle.NodeKey]) -> dict[merkle.NodeKey, bytes]:
    """Stored hashes of complete subtrees, in one statement: level 0 from the leaves, the rest from the nodes.

    Plain SQL because the ORM spends milliseconds compiling a few dozen ``Q(...) | Q(...)``
    terms; each term is an equality pair the (level, index) unique index answers.
    """
    if not keys:
        return {}
    sql, params = _subtrees_query(keys)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {(level, index): bytes(value) for level, index, value in cursor.fetchall()}
    missing = keys - found.keys()
    if missing:
        raise LogCorrupted(f"stored subtrees missing (level, index): {sorted(missing)[:5]}")
    return found


def _subtrees_query(keys: set[merkle.NodeKey]) -> tuple[str, list[int]]:
    leaf_indexes = [index for level, index in keys if level == 0]
    node_keys = [(level, index) for level, index in keys if level > 0]
    parts: list[str] = []
    params: list[int] = []
    if leaf_indexes:
        parts.append(_LEAF_SQL.format(marks=", ".join(["%s"] * len(leaf_indexes))))
        params += leaf_indexes
    if node_keys:
        parts.append(_NODE_SQL.format(terms=" OR ".join([_NODE_TERM] * len(node_keys))))
        params += [value for key in node_keys for value in key]
    return " UNION ALL ".join(parts), params


# Only placeholders are ever formatted in; every value travels as a query parameter.
_LEAF_SQL = 'SELECT 0, "index", "leaf_hash" FROM "transparency_logleaf" WHERE "index" IN ({marks})'
_NODE_SQL = 'SELECT "level", "index", "hash" FROM "transparency_lognode" WHERE {terms}'
_NODE_TERM = '("level" = %s AND "index" = %s)'


# --- checkpoints ---------------------------------------------------------------------


def checkpoint_body(*, tree_size: int, root_hash: bytes, timestamp: datetime) -> dict[str, Any]:
    """The JSON that a checkpoint signs (its RFC 8785 canonical bytes are the JWS payload)."""
    return {
        "tree_size": tree_size,
        "root_hash": encode_hash(root_hash),
        "timestamp": rfc3339(timestamp),
    }


def checkpoint_latest() -> Checkpoint:
    """The checkpoint of the current tree size, signed now if the log grew since the last one.

    Raises ``signing.services.NoActiveKey`` when a new one is needed and no key is active.
    Concurrent callers get the same row: there is one checkpoint per tree size.
    """
    size = log_size()
    # One checkpoint per size ever exists, so a cached one for this size is never stale.
    cache_key = f"{CHECKPOINT_CACHE_PREFIX}:{size}"
    cached = _checkpoint_from_cached(cache.get(cache_key))
    if cached is not None and cached.tree_size == size:
        return cached
    checkpoint = Checkpoint.objects.filter(tree_size=size).first() or _checkpoint_create(tree_size=size)
    cache.set(cache_key, _checkpoint_cached(checkpoint), CHECKPOINT_CACHE_SECONDS)
    return checkpoint


def _checkpoint_cached(checkpoint: Checkpoint) -> dict[str, Any]:
    """The row as JSON: the cache never pickles (whoever writes to it would run code here)."""
    return {
        "id": checkpoint.pk,
        "tree_size": checkpoint.tree_size,
        "root_hash": bytes(checkpoint.root_hash).hex(),
        "timestamp": checkpoint.timestamp.isoformat(),
        "signature": checkpoint.signature,
        "kid": checkpoint.kid,
        "created_at": checkpoint.created_at.isoformat(),
    }


def _checkpoint_from_cached(cached: Any) -> Checkpoint | None:
    """The row back from its JSON (a JWS clients verify), or ``None`` for anything else."""
    try:
        checkpoint = Checkpoint(
            id=int(cached["id"]),
            tree_size=int(cached["tree_size"]),
            root_hash=bytes.fromhex(cached["root_hash"]),
            timestamp=datetime.fromisoformat(cached["timestamp"]),
            signature=str(cached["signature"]),
            kid=str(cached["kid"]),
            created_at=datetime.fromisoformat(cached["created_at"]),
        )
    except (TypeError, KeyError, ValueError):
        return None
    checkpoint._state.adding = False
    return checkpoint


def _checkpoint_create(*, tree_size: int) -> Checkpoint:
    root_hash = log_root(tree_size=tree_size)
    timestamp = timezone.now().replace(microsecond=0)
    body = checkpoint_body(tree_size=tree_size, root_hash=root_hash, timestamp=timestamp)
    signed = jws_sign(payload=canonicalize(body), typ=CHECKPOINT_TYP)
    try:
        with transaction.atomic():
            checkpoint = Checkpoint.objects.create(
                tree_size=tree_size,
                root_hash=root_hash,
                timestamp=timestamp,
                signature=signed.compact,
                kid=signed.kid,
            )
            checkpoint_signed.send(sender=Checkpoint, checkpoint=checkpoint)
    except IntegrityError:
        # Another worker signed this size first; its checkpoint is as good as ours.
        return Checkpoint.objects.get(tree_size=tree_size)
    logger.info("transparency checkpoint signed at tree size %d with key %s", tree_size, signed.kid)
    return checkpoint


def checkpoint_published() -> Checkpoint:
    """What the checkpoint endpoint serves: the latest, or the newest stored one while no key is active."""
    try:
        return checkpoint_latest()
    except NoActiveKey:
        checkpoint = Checkpoint.objects.order_by("-tree_size").first()
        if checkpoint is None:
            raise ServiceUnavailable("log_unsigned", "no checkpoint has been signed yet") from None
        return checkpoint


def checkpoint_kept(*, tree_size: int) -> Checkpoint:
    """The checkpoint issued for ``tree_size``, or a 404 problem when none was."""
    checkpoint = Checkpoint.objects.filter(tree_size=tree_size).first()
    if checkpoint is None:
        raise ProblemError(
            "checkpoint_not_kept", f"no checkpoint was issued at tree size {tree_size}", status_code=404
        )
    return checkpoint
