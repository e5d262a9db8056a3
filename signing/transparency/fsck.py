"""Full consistency check of the stored log (``manage.py verify_log``).

Recomputes every leaf hash from its entry and every stored subtree from its
children, level by level while streaming rows in index order, then checks each
stored checkpoint's root and signature. Stops at the first inconsistency.
"""

from __future__ import annotations

from collections.abc import Iterator

from signing.canonical import canonicalize
from signing.services import JWSError, jws_verify
from signing.transparency import merkle
from signing.transparency.models import Checkpoint, LogLeaf, LogNode
from signing.transparency.services import CHECKPOINT_TYP, LogCorrupted, checkpoint_body, log_root, log_size

CHUNK = 5000


class LogInconsistent(Exception):
    """The first inconsistency found, in words that name the leaf, node or checkpoint."""


def log_verify() -> str:
    """Check everything; returns a one-line summary or raises ``LogInconsistent``."""
    size = log_size()
    _check_leaves(size)
    nodes = sum(_check_level(level, size) for level in range(1, max(size.bit_length(), 1)))
    beyond = LogNode.objects.filter(level__gte=max(size.bit_length(), 1)).order_by("level", "index").first()
    if beyond is not None:
        raise LogInconsistent(f"node level {beyond.level} index {beyond.index} lies beyond tree size {size}")
    checkpoints = _check_checkpoints(size)
    return f"log OK: {size} leaves, {nodes} nodes, {checkpoints} checkpoints verified"


def _check_leaves(size: int) -> None:
    expected = 0
    rows = LogLeaf.objects.order_by("index").values_list("index", "leaf_hash", "entry").iterator(CHUNK)
    for index, stored_hash, entry in rows:
        if index != expected:
            raise LogInconsistent(f"leaf {expected} is missing (next stored leaf is {index})")
        if bytes(stored_hash) != merkle.leaf_hash(bytes(entry)):
            raise LogInconsistent(f"leaf {index}: stored leaf hash does not match its entry")
        expected += 1
    if expected != size:
        where = (
            f"leaf {expected} is missing" if expected < size else f"leaf {size} lies beyond tree size {size}"
        )
        raise LogInconsistent(f"{where} (the head says {size} leaves, {expected} are stored)")


def _hashes_at(level: int) -> Iterator[tuple[int, bytes]]:
    """(index, hash) of the stored subtrees at ``level`` in index order; level 0 is the leaves."""
    if level == 0:
        rows = LogLeaf.objects.order_by("index").values_list("index", "leaf_hash").iterator(CHUNK)
    else:
        nodes = LogNode.objects.filter(level=level).order_by("index")
        rows = nodes.values_list("index", "hash").iterator(CHUNK)
    return ((index, bytes(value)) for index, value in rows)


def _check_level(level: int, size: int) -> int:
    """Every complete subtree at ``level`` is stored and equals the hash of its two children."""
    count = size >> level
    children, parents = _hashes_at(level - 1), _hashes_at(level)
    for index in range(count):
        (_, left), (_, right) = next(children), next(children)
        index_found, stored = next(parents, (None, b""))
        if index_found != index:
            raise LogInconsistent(f"node level {level} index {index} is missing")
        if stored != merkle.node_hash(left, right):
            raise LogInconsistent(f"node level {level} index {index} does not match its children")
    extra = next(parents, None)
    if extra is not None:
        raise LogInconsistent(f"node level {level} index {extra[0]} lies beyond tree size {size}")
    return count


def _check_checkpoints(size: int) -> int:
    checked = 0
    for checkpoint in Checkpoint.objects.order_by("tree_size").iterator(CHUNK):
        _check_checkpoint(checkpoint, size)
        checked += 1
    return checked


def _check_checkpoint(checkpoint: Checkpoint, size: int) -> None:
    name = f"checkpoint at tree size {checkpoint.tree_size}"
    if checkpoint.tree_size > size:
        raise LogInconsistent(f"{name} lies beyond tree size {size}")
    try:
        root = log_root(tree_size=checkpoint.tree_size)
    except LogCorrupted as exc:
        raise LogInconsistent(f"{name}: {exc}") from exc
    if bytes(checkpoint.root_hash) != root:
        raise LogInconsistent(f"{name}: stored root hash differs from the log's root")
    body = checkpoint_body(tree_size=checkpoint.tree_size, root_hash=root, timestamp=checkpoint.timestamp)
    try:
        verified = jws_verify(token=checkpoint.signature, expected_typ=CHECKPOINT_TYP)
    except JWSError as exc:
        raise LogInconsistent(f"{name}: signature does not verify ({exc})") from exc
    if verified.payload != canonicalize(body):
        raise LogInconsistent(f"{name}: the signed payload differs from the stored checkpoint")
