"""RFC 9162 hashing, proof generation and verification, without a database."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signing.transparency import merkle
from tests.transparency import reference

# The RFC 6962 test leaves and roots used by certificate-transparency and transparency-dev/merkle.
RFC_LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                          "606162636465666768696a6b6c6d6e6f")]  # fmt: skip
RFC_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def entries(n: int) -> list[bytes]:
    return [f"entry {i}".encode() for i in range(n)]


def in_memory_subtrees(items: list[bytes]) -> merkle.SubtreeHash:
    @functools.cache
    def subtree(level: int, index: int) -> bytes:
        return reference.mth(items[index << level : (index + 1) << level])

    return subtree


def assert_all_fail(probes, verify) -> None:
    passed = [name for name, arguments in probes if verify(**arguments)]
    assert passed == []


def check_tree(items: list[bytes], roots: dict[int, bytes]) -> None:
    """Every proof of the tree verifies, equals the reference, and fails under every probe."""
    n = len(items)
    subtree = in_memory_subtrees(items)
    root = reference.mth(items)
    assert merkle.range_hash(0, n, subtree) == root
    for m in range(n):
        audit_path = merkle.inclusion_path(m, n, subtree)
        assert audit_path == reference.path(m, items)
        good = dict(leaf_hash=reference.leaf(items[m]), leaf_index=m, tree_size=n, audit_path=audit_path)
        assert merkle.verify_inclusion(**good, root_hash=root)
        probes = reference.inclusion_probes(**good, root=root, roots=roots)
        assert_all_fail(probes, merkle.verify_inclusion)
    for m in range(1, n + 1):
        proof = merkle.consistency_proof(m, n, subtree)
        assert proof == reference.proof(m, items)
        good = dict(first=m, second=n, first_root=roots[m], second_root=root, proof=proof)
        assert merkle.verify_consistency(**good)
        if proof:
            assert_all_fail(reference.consistency_probes(**good, roots=roots), merkle.verify_consistency)


def test_leaf_and_node_hashes_carry_the_rfc_domain_separation_prefixes():
    import hashlib

    assert merkle.leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    assert merkle.node_hash(b"L" * 32, b"R" * 32) == hashlib.sha256(b"\x01" + b"L" * 32 + b"R" * 32).digest()


def test_roots_of_the_rfc_6962_test_leaves_match_the_published_values():
    for size, expected in enumerate(RFC_ROOTS, start=1):
        hashes = [merkle.leaf_hash(e) for e in RFC_LEAVES[:size]]
        assert merkle.root_from_leaf_hashes(hashes).hex() == expected
        assert reference.mth(RFC_LEAVES[:size]).hex() == expected


def test_the_empty_tree_hashes_to_sha256_of_nothing():
    assert merkle.root_from_leaf_hashes([]).hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


@pytest.mark.parametrize("size", range(1, 65))
def test_every_proof_of_a_tree_matches_the_reference_and_every_corruption_fails(size):
    items = entries(size + 2)
    roots = {s: reference.mth(items[:s]) for s in range(0, size + 3)}
    check_tree(items[:size], roots)


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=65, max_value=3000), st.data())
def test_proofs_in_larger_trees_match_the_reference(size, data):
    items = entries(size)
    subtree = in_memory_subtrees(items)
    m = data.draw(st.integers(min_value=0, max_value=size - 1), label="leaf_index")
    root = subtree_root = merkle.range_hash(0, size, subtree)
    assert subtree_root == reference.mth(items)
    audit_path = merkle.inclusion_path(m, size, subtree)
    assert audit_path == reference.path(m, items)
    assert merkle.verify_inclusion(
        leaf_hash=reference.leaf(items[m]),
        leaf_index=m,
        tree_size=size,
        audit_path=audit_path,
        root_hash=root,
    )
    first = data.draw(st.integers(min_value=1, max_value=size), label="first")
    proof = merkle.consistency_proof(first, size, subtree)
    assert proof == reference.proof(first, items)
    good = dict(
        first=first, second=size, first_root=reference.mth(items[:first]), second_root=root, proof=proof
    )
    assert merkle.verify_consistency(**good)
    if proof:
        assert_all_fail(reference.consistency_probes(**good, roots={}), merkle.verify_consistency)


def test_a_proof_reads_only_a_logarithmic_number_of_stored_subtrees():
    size = 1_000_003
    for generate in (
        lambda g: merkle.inclusion_path(123_457, size, g),
        lambda g: merkle.consistency_proof(777_777, size, g),
        lambda g: merkle.range_hash(0, size, g),
    ):
        assert len(merkle.nodes_needed(generate)) <= 2 * size.bit_length()


def test_verification_rejects_elements_that_are_not_sha256_sized():
    items = entries(5)
    subtree = in_memory_subtrees(items)
    audit_path = merkle.inclusion_path(2, 5, subtree)
    truncated = [audit_path[0][:31], *audit_path[1:]]
    assert not merkle.verify_inclusion(
        leaf_hash=reference.leaf(items[2]), leaf_index=2, tree_size=5, audit_path=truncated,
        root_hash=reference.mth(items),
    )  # fmt: skip


def test_equal_sizes_are_consistent_only_with_an_empty_proof_and_equal_roots():
    root = reference.mth(entries(4))
    assert merkle.verify_consistency(first=4, second=4, first_root=root, second_root=root, proof=[])
    assert not merkle.verify_consistency(first=4, second=4, first_root=root, second_root=root, proof=[root])
    assert not merkle.verify_consistency(
        first=4, second=4, first_root=root, second_root=reference.SOME_HASH, proof=[]
    )


def test_generators_refuse_impossible_arguments():
    subtree = in_memory_subtrees(entries(4))
    with pytest.raises(ValueError, match="leaf_index"):
        merkle.inclusion_path(4, 4, subtree)
    with pytest.raises(ValueError, match="first"):
        merkle.consistency_proof(5, 4, subtree)
