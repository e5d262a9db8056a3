"""Every complete subtree of a log built in one go, for benchmarks that fill a log with COPY.

The service stores the hash of each complete subtree as ``LogNode(level, index)`` while it
appends; a bulk fill computes the same nodes level by level with the log's own ``node_hash``.
"""

from __future__ import annotations

from collections.abc import Iterator

from signing.transparency.merkle import node_hash


def complete_levels(leaf_hashes: list[bytes]) -> list[list[bytes]]:
    """Level 0 is the leaves; level ``k`` holds the hash of every complete subtree of 2**k leaves."""
    levels = [leaf_hashes]
    while len(levels[-1]) >= 2:
        levels.append(_pairs(levels[-1]))
    return levels


def _pairs(below: list[bytes]) -> list[bytes]:
    # An odd node out is no complete subtree yet: it waits for its sibling.
    return [node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)]


def node_rows(levels: list[list[bytes]]) -> Iterator[tuple[int, int, bytes]]:
    """``(level, index, hash)`` of every stored node (levels above the leaves)."""
    for level in range(1, len(levels)):
        for index, value in enumerate(levels[level]):
            yield level, index, value
