"""The stored log: roots and proofs from the database against the independent reference."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from signing.transparency import merkle
from signing.transparency.models import LogLeaf, LogNode
from signing.transparency.services import (
    LogError,
    log_append,
    log_consistency_proof,
    log_inclusion_proof,
    log_leaf_get,
    log_root,
    log_size,
)
from tests.transparency import reference
from tests.transparency.conftest import append_entries, entry_for


def assert_all_fail(probes, verify) -> None:
    assert [name for name, arguments in probes if verify(**arguments)] == []


def test_appended_leaves_get_consecutive_indexes_and_their_rfc_leaf_hash(db):
    append_entries([b"first", b"", b"third"])
    leaves = list(LogLeaf.objects.order_by("index"))
    assert [leaf.index for leaf in leaves] == [0, 1, 2]
    assert [bytes(leaf.entry) for leaf in leaves] == [b"first", b"", b"third"]
    assert [bytes(leaf.leaf_hash) for leaf in leaves] == [
        reference.leaf(e) for e in (b"first", b"", b"third")
    ]
    assert log_size() == 3


def test_an_append_stores_exactly_the_complete_subtrees_it_closes(db):
    items = [entry_for(i) for i in range(11)]
    append_entries(items)
    stored = {(node.level, node.index): bytes(node.hash) for node in LogNode.objects.all()}
    expected = {
        (level, index): reference.mth(items[index << level : (index + 1) << level])
        for level in range(1, 4)
        for index in range(11 >> level)
    }
    assert stored == expected


def test_every_proof_from_the_database_matches_the_reference_for_sizes_up_to_64(db):
    items = [entry_for(i) for i in range(66)]
    roots = {size: reference.mth(items[:size]) for size in range(0, 67)}
    append_entries(items)
    for n in range(0, 65):
        assert log_root(tree_size=n) == roots[n]
    for n in range(1, 65):
        for m in range(n):
            audit_path = log_inclusion_proof(leaf_index=m, tree_size=n)
            assert audit_path == reference.path(m, items[:n])
            good = dict(leaf_hash=reference.leaf(items[m]), leaf_index=m, tree_size=n, audit_path=audit_path)
            assert merkle.verify_inclusion(**good, root_hash=roots[n])
            probes = reference.inclusion_probes(**good, root=roots[n], roots=roots)
            assert_all_fail(probes, merkle.verify_inclusion)
        for m in range(1, n + 1):
            proof = log_consistency_proof(first=m, second=n)
            assert proof == reference.proof(m, items[:n])
            good = dict(first=m, second=n, first_root=roots[m], second_root=roots[n], proof=proof)
            assert merkle.verify_consistency(**good)
            if proof:
                assert_all_fail(reference.consistency_probes(**good, roots=roots), merkle.verify_consistency)


def test_proofs_at_random_sizes_of_a_larger_log_match_the_reference(db):
    items = [entry_for(i) for i in range(1100)]
    append_entries(items)

    @settings(max_examples=50, deadline=None)
    @given(st.data())
    def check(data):
        n = data.draw(st.integers(min_value=65, max_value=len(items)), label="tree_size")
        m = data.draw(st.integers(min_value=0, max_value=n - 1), label="leaf_index")
        first = data.draw(st.integers(min_value=1, max_value=n), label="first")
        root = log_root(tree_size=n)
        assert root == reference.mth(items[:n])
        audit_path = log_inclusion_proof(leaf_index=m, tree_size=n)
        assert audit_path == reference.path(m, items[:n])
        good = dict(leaf_hash=reference.leaf(items[m]), leaf_index=m, tree_size=n, audit_path=audit_path)
        assert merkle.verify_inclusion(**good, root_hash=root)
        assert_all_fail(reference.inclusion_probes(**good, root=root, roots={}), merkle.verify_inclusion)
        proof = log_consistency_proof(first=first, second=n)
        assert proof == reference.proof(first, items[:n])
        good = dict(
            first=first, second=n, first_root=reference.mth(items[:first]), second_root=root, proof=proof
        )
        assert merkle.verify_consistency(**good)
        if proof:
            assert_all_fail(reference.consistency_probes(**good, roots={}), merkle.verify_consistency)

    check()


def test_appending_and_proving_cost_the_same_few_queries_at_size_1000_as_at_size_4(
    db, django_assert_max_num_queries
):
    for target in (3, 1023):
        append_entries([entry_for(i) for i in range(log_size(), target)])
        # Leaf 3 and leaf 1023 close every level below them: the most expensive appends.
        # Five statements plus the savepoint pair of the nested atomic block.
        with django_assert_max_num_queries(7), transaction.atomic():
            log_append(entry=b"closing entry")
        size = log_size()
        with django_assert_max_num_queries(2):
            log_inclusion_proof(leaf_index=size // 3, tree_size=size)
        with django_assert_max_num_queries(2):
            log_consistency_proof(first=size // 2 + 1, second=size)
        with django_assert_max_num_queries(2):
            log_root(tree_size=size - 1)


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: log_inclusion_proof(leaf_index=5, tree_size=5), "log_index_out_of_range"),
        (lambda: log_inclusion_proof(leaf_index=-1, tree_size=5), "log_index_out_of_range"),
        (lambda: log_inclusion_proof(leaf_index=0, tree_size=9), "log_size_out_of_range"),
        (lambda: log_consistency_proof(first=0, second=5), "log_bad_range"),
        (lambda: log_consistency_proof(first=6, second=5), "log_bad_range"),
        (lambda: log_consistency_proof(first=2, second=9), "log_size_out_of_range"),
        (lambda: log_root(tree_size=9), "log_size_out_of_range"),
        (lambda: log_root(tree_size=-1), "log_size_out_of_range"),
        (lambda: log_leaf_get(leaf_index=8), "log_index_out_of_range"),
    ],
)
def test_impossible_requests_raise_a_log_error_reported_as_400(db, call, code):
    append_entries([entry_for(i) for i in range(8)])
    with pytest.raises(LogError) as caught:
        call()
    assert caught.value.code == code
    assert caught.value.status_code == 400


def test_log_append_refuses_to_run_outside_a_transaction(transactional_db):
    with pytest.raises(transaction.TransactionManagementError):
        log_append(entry=b"loose")
    assert log_size() == 0


def test_an_entry_rolls_back_with_the_transaction_that_appended_it(db):
    append_entries([b"kept"])

    class Abort(Exception):
        pass

    def issue_and_fail() -> None:
        with transaction.atomic():
            log_append(entry=b"rolled back")
            raise Abort

    with pytest.raises(Abort):
        issue_and_fail()
    assert log_size() == 1
    assert [bytes(e) for e in LogLeaf.objects.values_list("entry", flat=True)] == [b"kept"]
    append_entries([b"next"])
    assert log_root(tree_size=2) == reference.mth([b"kept", b"next"])


def test_concurrent_appends_are_serialized_into_one_total_order(postgres):
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            for i in range(25):
                with transaction.atomic():
                    log_append(entry=f"{name} {i}".encode())
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"writer {w}",)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    entries = [bytes(e) for e in LogLeaf.objects.order_by("index").values_list("entry", flat=True)]
    assert list(LogLeaf.objects.order_by("index").values_list("index", flat=True)) == list(range(100))
    assert sorted(entries) == sorted(f"writer {w} {i}".encode() for w in range(4) for i in range(25))
    assert log_root(tree_size=100) == reference.mth(entries)
