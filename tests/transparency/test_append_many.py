"""Appending many entries in one statement set stores exactly what appending them one by one stores."""

from __future__ import annotations

import pytest
from django.db import transaction

from signing.transparency.append_many import log_append_many
from signing.transparency.fsck import log_verify
from signing.transparency.models import LogHead, LogLeaf, LogNode
from signing.transparency.services import log_root
from tests.transparency import reference
from tests.transparency.conftest import append_entries, entry_for

pytestmark = pytest.mark.django_db


def _stored() -> tuple[list[tuple], list[tuple]]:
    leaves = LogLeaf.objects.order_by("index").values_list("index", "leaf_hash", "entry")
    nodes = LogNode.objects.order_by("level", "index").values_list("level", "index", "hash")
    return (
        [(index, bytes(leaf_hash), bytes(entry)) for index, leaf_hash, entry in leaves],
        [(level, index, bytes(value)) for level, index, value in nodes],
    )


@pytest.mark.parametrize("batches", [[1], [5], [3, 4, 9], [7, 1, 1, 16, 2]])
def test_batches_store_the_leaves_and_subtrees_of_one_by_one_appends(batches):
    entries = [entry_for(index) for index in range(sum(batches))]
    append_entries(entries)
    one_by_one = _stored()
    for model in (LogNode, LogLeaf, LogHead):
        model.objects.all().delete()

    start = 0
    for size in batches:
        with transaction.atomic():
            leaves = log_append_many(entries=entries[start : start + size])
        assert [leaf.index for leaf in leaves] == list(range(start, start + size))
        start += size

    assert _stored() == one_by_one
    assert log_root(tree_size=len(entries)) == reference.mth(entries)
    log_verify()


@pytest.mark.django_db(transaction=True)
def test_append_many_refuses_to_run_outside_a_transaction():
    with pytest.raises(transaction.TransactionManagementError):
        log_append_many(entries=[b"x"])
