"""The log's admin pages show entries and checkpoints but offer no way to alter them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from signing.transparency.models import Checkpoint, LogLeaf
from signing.transparency.services import checkpoint_latest
from tests.transparency.conftest import append_entries


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser(username="root", email="root@example.com", password="x")
    client.force_login(user)
    return client


def test_an_administrator_can_read_but_not_alter_the_log(admin_client, active_key):
    append_entries([b"one", b"two"])
    checkpoint = checkpoint_latest()
    for url in ("/admin/transparency/logleaf/", "/admin/transparency/checkpoint/"):
        assert admin_client.get(url).status_code == 200
    assert admin_client.get("/admin/transparency/logleaf/add/").status_code == 403
    leaf_url = "/admin/transparency/logleaf/1/change/"
    assert admin_client.get(leaf_url).status_code == 200
    assert admin_client.post(leaf_url, {"index": 1}).status_code == 403
    assert (
        admin_client.post(
            f"/admin/transparency/checkpoint/{checkpoint.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert LogLeaf.objects.count() == 2
    assert Checkpoint.objects.count() == 1
