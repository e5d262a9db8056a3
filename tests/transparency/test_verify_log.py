"""``manage.py verify_log`` finds the first inconsistency and names it."""

from __future__ import annotations

import io

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from signing.transparency.models import Checkpoint, LogLeaf, LogNode
from signing.transparency.services import checkpoint_latest
from tests.transparency.conftest import append_entries, entry_for


@pytest.fixture
def log_with_checkpoints(active_key):
    append_entries([entry_for(i) for i in range(6)])
    checkpoint_latest()
    append_entries([entry_for(i) for i in range(6, 13)])
    checkpoint_latest()


def verify_log() -> str:
    out = io.StringIO()
    call_command("verify_log", stdout=out)
    return out.getvalue()


def test_a_sound_log_passes_with_a_one_line_summary(log_with_checkpoints):
    assert verify_log().strip() == "log OK: 13 leaves, 10 nodes, 2 checkpoints verified"


def test_an_empty_log_passes(db):
    assert verify_log().strip() == "log OK: 0 leaves, 0 nodes, 0 checkpoints verified"


def test_an_edited_leaf_entry_is_reported_by_index(log_with_checkpoints):
    LogLeaf.objects.filter(index=5).update(entry=b"forged")
    with pytest.raises(CommandError, match=r"^leaf 5: stored leaf hash does not match its entry$"):
        verify_log()


def test_an_edited_node_hash_is_reported_by_level_and_index(log_with_checkpoints):
    LogNode.objects.filter(level=2, index=1).update(hash=bytes(32))
    with pytest.raises(CommandError, match=r"^node level 2 index 1 does not match its children$"):
        verify_log()


def test_a_consistently_rewritten_leaf_is_caught_by_its_parent_node(log_with_checkpoints):
    from signing.transparency.merkle import leaf_hash

    LogLeaf.objects.filter(index=2).update(entry=b"forged", leaf_hash=leaf_hash(b"forged"))
    with pytest.raises(CommandError, match=r"^node level 1 index 1 does not match its children$"):
        verify_log()


def test_a_deleted_leaf_is_reported_by_index(log_with_checkpoints):
    LogLeaf.objects.filter(index=7).delete()
    with pytest.raises(CommandError, match=r"^leaf 7 is missing"):
        verify_log()


def test_a_deleted_last_leaf_is_reported_by_index(log_with_checkpoints):
    LogLeaf.objects.filter(index=12).delete()
    with pytest.raises(CommandError, match=r"^leaf 12 is missing"):
        verify_log()


def test_a_missing_node_is_reported(log_with_checkpoints):
    LogNode.objects.filter(level=3, index=0).delete()
    with pytest.raises(CommandError, match=r"^node level 3 index 0 is missing$"):
        verify_log()


def test_a_checkpoint_with_a_wrong_root_is_reported(log_with_checkpoints):
    Checkpoint.objects.filter(tree_size=6).update(root_hash=bytes(32))
    with pytest.raises(CommandError, match=r"^checkpoint at tree size 6: stored root hash differs"):
        verify_log()


def test_a_checkpoint_with_a_swapped_signature_is_reported(log_with_checkpoints):
    other = Checkpoint.objects.get(tree_size=13).signature
    Checkpoint.objects.filter(tree_size=6).update(signature=other)
    with pytest.raises(CommandError, match=r"^checkpoint at tree size 6: the signed payload differs"):
        verify_log()


def test_a_checkpoint_with_a_broken_signature_is_reported(log_with_checkpoints):
    checkpoint = Checkpoint.objects.get(tree_size=6)
    header, payload, signature = checkpoint.signature.split(".")
    broken = signature[:-2] + ("AA" if signature[-2:] != "AA" else "AQ")
    Checkpoint.objects.filter(tree_size=6).update(signature=f"{header}.{payload}.{broken}")
    with pytest.raises(CommandError, match=r"^checkpoint at tree size 6: signature does not verify"):
        verify_log()


def test_the_command_exits_non_zero_on_an_inconsistency(log_with_checkpoints, capsys):
    LogLeaf.objects.filter(index=3).update(entry=b"forged")
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "verify_log"]).execute()
    assert exited.value.code != 0
    assert "leaf 3" in capsys.readouterr().err
