"""Merkle tree hashing, proofs and their verification exactly as RFC 9162 §2.1.

Pure Python with no Django: the offline verifier uses the verification
functions as they are.

Proof generation works over an abstract getter ``subtree_hash(level, index)``
that returns the hash of the complete subtree covering leaves
``[index * 2**level, (index + 1) * 2**level)``; level 0 is a leaf hash. Every
range the RFC's recursion asks for starts at a multiple of its own largest
power of two, so its hash is a right-folded chain of at most log2(n) complete
subtrees, and a proof needs O(log n) of them. ``nodes_needed`` runs a
generator with a recording getter to learn which ones, so that storage can
fetch them all in one go.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeKey = tuple[int, int]
SubtreeHash = Callable[[int, int], bytes]

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "consistency_proof",
    "inclusion_path",
    "leaf_hash",
    "left_keys",
    "node_hash",
    "nodes_needed",
    "range_hash",
    "root_from_leaf_hashes",
    "verify_consistency",
    "verify_inclusion",
]


def left_keys(index: int) -> list[NodeKey]:
    """The complete subtrees leaf ``index`` combines with as it is appended: one per trailing one-bit."""
    levels = (~index & (index + 1)).bit_length() - 1
    return [(level, ((index + 1) >> level) - 2) for level in range(levels)]


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_from_leaf_hashes(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH over all leaf hashes, level by level (the hash of an empty list is SHA-256 of nothing)."""
    if not leaf_hashes:
        return EMPTY_ROOT
    level = list(leaf_hashes)
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        # An odd node out is carried up unchanged: RFC 9162 splits at the largest power of two.
        level = paired + ([level[-1]] if len(level) % 2 else [])
    return level[0]


def range_hash(start: int, size: int, subtree_hash: SubtreeHash) -> bytes:
    """MTH of leaves ``[start, start + size)``, composed of its complete subtrees."""
    if size == 0:
        return EMPTY_ROOT
    parts = []
    offset = start
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            parts.append(subtree_hash(level, offset >> level))
            offset += 1 << level
    result = parts[-1]
    for part in reversed(parts[:-1]):
        result = node_hash(part, result)
    return result


def inclusion_path(leaf_index: int, tree_size: int, subtree_hash: SubtreeHash) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1, leaf-side element first."""
    if not 0 <= leaf_index < tree_size:
        raise ValueError("leaf_index must satisfy 0 <= leaf_index < tree_size")
    return _path(leaf_index, 0, tree_size, subtree_hash)


def _path(m: int, start: int, n: int, subtree_hash: SubtreeHash) -> list[bytes]:
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*_path(m, start, k, subtree_hash), range_hash(start + k, n - k, subtree_hash)]
    return [*_path(m - k, start + k, n - k, subtree_hash), range_hash(start, k, subtree_hash)]


def consistency_proof(first: int, second: int, subtree_hash: SubtreeHash) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1; empty when ``first`` is 0 or equals ``second``."""
    if not 0 <= first <= second:
        raise ValueError("sizes must satisfy 0 <= first <= second")
    if first == 0:
        return []
    return _subproof(first, 0, second, True, subtree_hash)


def _subproof(m: int, start: int, n: int, whole: bool, subtree_hash: SubtreeHash) -> list[bytes]:
    if m == n:
        return [] if whole else [range_hash(start, m, subtree_hash)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, start, k, whole, subtree_hash), range_hash(start + k, n - k, subtree_hash)]
    return [*_subproof(m - k, start + k, n - k, False, subtree_hash), range_hash(start, k, subtree_hash)]


def nodes_needed(generate: Callable[[SubtreeHash], object]) -> set[NodeKey]:
    """The ``(level, index)`` keys ``generate`` reads; the recursion never depends on hash values."""
    seen: set[NodeKey] = set()

    def record(level: int, index: int) -> bytes:
        seen.add((level, index))
        return bytes(HASH_SIZE)

    generate(record)
    return seen


def _well_formed(path: Sequence[bytes]) -> bool:
    return all(isinstance(h, bytes) and len(h) == HASH_SIZE for h in path)


def verify_inclusion(
    *, leaf_hash: bytes, leaf_index: int, tree_size: int, audit_path: Sequence[bytes], root_hash: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``audit_path`` prove ``leaf_hash`` at ``leaf_index`` under ``root_hash``?"""
    if not 0 <= leaf_index < tree_size or not _well_formed([leaf_hash, root_hash, *audit_path]):
        return False
    fn, sn, r = leaf_index, tree_size - 1, leaf_hash
    for p in audit_path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root_hash


def verify_consistency(
    *, first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree of size ``second`` an append-only extension of ``first``?

    Equal sizes need an empty proof and equal roots; from the empty tree (``first`` 0)
    every tree is consistent and the proof is empty.
    """
    if not 0 <= first <= second or not _well_formed([first_root, second_root, *proof]):
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    return _consistency_roots(first, second, path) == (first_root, second_root)


def _consistency_roots(first: int, second: int, path: Sequence[bytes]) -> tuple[bytes, bytes] | None:
    """The roots ``path`` leads to (RFC 9162 §2.1.4.2 steps 3-7); ``None`` if its length does not fit."""
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return (fr, sr) if sn == 0 else None
