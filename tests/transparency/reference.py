"""An independent, deliberately naive RFC 9162 §2.1 implementation over the full list of entries.

Straight transcriptions of MTH, PATH and PROOF/SUBPROOF: no stored subtrees, no
shortcuts, nothing shared with ``signing.transparency.merkle``.
"""

from __future__ import annotations

import hashlib


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(entries: list[bytes]) -> bytes:
    n = len(entries)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + entries[0]).digest()
    k = _k(n)
    return hashlib.sha256(b"\x01" + mth(entries[:k]) + mth(entries[k:])).digest()


def leaf(entry: bytes) -> bytes:
    return mth([entry])


def path(m: int, entries: list[bytes]) -> list[bytes]:
    n = len(entries)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return [*path(m, entries[:k]), mth(entries[k:])]
    return [*path(m - k, entries[k:]), mth(entries[:k])]


def proof(m: int, entries: list[bytes]) -> list[bytes]:
    return _subproof(m, entries, True)


def _subproof(m: int, entries: list[bytes], b: bool) -> list[bytes]:
    n = len(entries)
    if m == n:
        return [] if b else [mth(entries)]
    k = _k(n)
    if m <= k:
        return [*_subproof(m, entries[:k], b), mth(entries[k:])]
    return [*_subproof(m - k, entries[k:], False), mth(entries[:k])]


SOME_HASH = hashlib.sha256(b"some other data").digest()
EMPTY_ROOT = hashlib.sha256(b"").digest()


def _flip(element: bytes, byte: int, bit: int) -> bytes:
    changed = bytearray(element)
    changed[byte] ^= 1 << bit
    return bytes(changed)


def _flips(items: list[bytes]) -> list[tuple[str, list[bytes]]]:
    probes = []
    for i in range(len(items)):
        for byte, bit in ((0, 3), (31, 0), (i % 32, i % 8)):
            flipped = list(items)
            flipped[i] = _flip(items[i], byte, bit)
            probes.append((f"bit {bit} of byte {byte} of element {i} flipped", flipped))
    return probes


def inclusion_probes(
    *,
    leaf_index: int,
    tree_size: int,
    leaf_hash: bytes,
    audit_path: list[bytes],
    root: bytes,
    roots: dict[int, bytes],
) -> list[tuple[str, dict]]:
    """Wrong variants of a valid inclusion proof, after transparency-dev/merkle ``proof/verify_test.go``.

    ``roots`` maps neighbouring tree sizes to their true roots, so that a proof is also
    tried against a real tree of the wrong size.
    """
    good = dict(
        leaf_hash=leaf_hash, leaf_index=leaf_index, tree_size=tree_size, audit_path=audit_path, root_hash=root
    )
    probes = [
        ("leaf_index - 1", {**good, "leaf_index": leaf_index - 1}),
        ("leaf_index + 1", {**good, "leaf_index": leaf_index + 1}),
        ("leaf_index ^ 2", {**good, "leaf_index": leaf_index ^ 2}),
        ("tree_size * 2", {**good, "tree_size": tree_size * 2}),
        ("tree_size // 2", {**good, "tree_size": tree_size // 2}),
        ("wrong leaf", {**good, "leaf_hash": SOME_HASH}),
        ("empty root", {**good, "root_hash": EMPTY_ROOT}),
        ("random root", {**good, "root_hash": SOME_HASH}),
        ("trailing garbage", {**good, "audit_path": [*audit_path, b""]}),
        ("trailing root", {**good, "audit_path": [*audit_path, root]}),
        ("preceding garbage", {**good, "audit_path": [b"", *audit_path]}),
        ("preceding root", {**good, "audit_path": [root, *audit_path]}),
    ]
    for size, other_root in roots.items():
        if size != tree_size and 0 <= leaf_index < size:
            probes.append((f"tree of size {size}", {**good, "tree_size": size, "root_hash": other_root}))
    probes += [(name, {**good, "audit_path": changed}) for name, changed in _flips(audit_path)]
    if audit_path:
        probes.append(("last element removed", {**good, "audit_path": audit_path[:-1]}))
        probes.append(("first element removed", {**good, "audit_path": audit_path[1:]}))
    if len(audit_path) > 1:
        inserted = [audit_path[0], SOME_HASH, *audit_path[1:]]
        probes.append(("element inserted", {**good, "audit_path": inserted}))
    return probes


def consistency_probes(
    *,
    first: int,
    second: int,
    first_root: bytes,
    second_root: bytes,
    proof: list[bytes],
    roots: dict[int, bytes],
) -> list[tuple[str, dict]]:
    """Wrong variants of a valid, non-empty consistency proof (``verify_test.go`` style).

    ``roots`` maps other tree sizes to their true roots: the proof must not verify for them either.
    """
    good = dict(first=first, second=second, first_root=first_root, second_root=second_root, proof=proof)
    probes = [
        ("first - 1", {**good, "first": first - 1}),
        ("first + 1", {**good, "first": first + 1}),
        ("first ^ 2", {**good, "first": first ^ 2}),
        ("second * 2", {**good, "second": second * 2}),
        ("second // 2", {**good, "second": second // 2}),
        ("wrong first root", {**good, "first_root": SOME_HASH}),
        ("wrong second root", {**good, "second_root": SOME_HASH}),
        ("swapped roots", {**good, "first_root": second_root, "second_root": first_root}),
        ("empty proof", {**good, "proof": []}),
        ("trailing garbage", {**good, "proof": [*proof, b""]}),
        ("trailing first root", {**good, "proof": [*proof, first_root]}),
        ("trailing second root", {**good, "proof": [*proof, second_root]}),
        ("preceding garbage", {**good, "proof": [b"", *proof]}),
        ("preceding first root", {**good, "proof": [first_root, *proof]}),
        ("preceding second root", {**good, "proof": [second_root, *proof]}),
        ("preceding proof[0]", {**good, "proof": [proof[0], *proof]}),
        ("last element removed", {**good, "proof": proof[:-1]}),
        ("first element removed", {**good, "proof": proof[1:]}),
    ]
    for size, root in roots.items():
        if size != second and size >= first:
            probes.append((f"second tree of size {size}", {**good, "second": size, "second_root": root}))
        if size != first and 1 <= size <= second:
            probes.append((f"first tree of size {size}", {**good, "first": size, "first_root": root}))
    probes += [(name, {**good, "proof": changed}) for name, changed in _flips(proof)]
    return probes
