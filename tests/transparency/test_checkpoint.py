"""Signed checkpoints: one per tree size, kept as history, published by a periodic task."""

from __future__ import annotations

import base64
import json

import pytest
import rfc8785

from signing.services import NoActiveKey, jws_verify
from signing.transparency.models import Checkpoint
from signing.transparency.services import CHECKPOINT_TYP, checkpoint_latest
from signing.transparency.tasks import checkpoint_publish
from tests.services import wait_until
from tests.transparency import reference
from tests.transparency.conftest import append_entries, entry_for


def test_a_checkpoint_signs_the_canonical_json_of_size_root_and_time(active_key):
    items = [entry_for(i) for i in range(7)]
    append_entries(items)
    checkpoint = checkpoint_latest()
    verified = jws_verify(token=checkpoint.signature, expected_typ=CHECKPOINT_TYP)
    assert verified.key.kid == active_key.kid == checkpoint.kid
    signed = json.loads(verified.payload)
    assert verified.payload == rfc8785.dumps(signed)
    assert set(signed) == {"tree_size", "root_hash", "timestamp"}
    assert signed["tree_size"] == 7
    assert base64.b64decode(signed["root_hash"], validate=True) == reference.mth(items)
    assert signed["timestamp"] == checkpoint.timestamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_same_checkpoint_is_returned_while_the_log_does_not_grow(active_key):
    append_entries([b"one"])
    first = checkpoint_latest()
    assert checkpoint_latest().signature == first.signature
    append_entries([b"two"])
    second = checkpoint_latest()
    assert (first.tree_size, second.tree_size) == (1, 2)
    assert list(Checkpoint.objects.order_by("tree_size").values_list("tree_size", flat=True)) == [1, 2]


def test_the_empty_log_has_a_checkpoint_of_size_zero(active_key):
    checkpoint = checkpoint_latest()
    assert checkpoint.tree_size == 0
    assert bytes(checkpoint.root_hash) == reference.mth([])


def test_without_an_active_key_no_checkpoint_can_be_signed(db):
    append_entries([b"one"])
    with pytest.raises(NoActiveKey):
        checkpoint_latest()


def test_the_publish_task_is_safe_to_run_twice(active_key):
    append_entries([b"one", b"two", b"three"])
    assert checkpoint_publish() == 3
    assert checkpoint_publish() == 3
    assert Checkpoint.objects.count() == 1


def test_the_publish_task_without_a_key_publishes_nothing_and_does_not_fail(db):
    append_entries([b"one"])
    assert checkpoint_publish() is None
    assert not Checkpoint.objects.exists()


@pytest.mark.worker
def test_a_real_worker_publishes_a_checkpoint(celery_worker, active_key):
    append_entries([b"one", b"two"])
    checkpoint_publish.delay()
    checkpoint = wait_until(lambda: Checkpoint.objects.filter(tree_size=2).first(), message="a checkpoint")
    jws_verify(token=checkpoint.signature, expected_typ=CHECKPOINT_TYP)
