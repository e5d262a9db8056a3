"""Read-only views of the log: it is append-only, so nothing here may add, change or delete."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from signing.transparency.models import Checkpoint, LogLeaf

if TYPE_CHECKING:
    _LogLeafAdminBase = admin.ModelAdmin[LogLeaf]
    _CheckpointAdminBase = admin.ModelAdmin[Checkpoint]
else:  # ModelAdmin takes a type argument only in django-stubs
    _LogLeafAdminBase = _CheckpointAdminBase = admin.ModelAdmin


class _ReadOnlyAdmin:
    """Put first among the bases, so that these answers win over ModelAdmin's."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(LogLeaf)
class LogLeafAdmin(_ReadOnlyAdmin, _LogLeafAdminBase):
    list_display = ["index", "leaf_hash_base64", "entry_length", "created_at"]
    fields = ["index", "leaf_hash_base64", "entry_length", "created_at"]
    show_full_result_count = False

    @admin.display(description="leaf hash")
    def leaf_hash_base64(self, leaf: LogLeaf) -> str:
        return base64.b64encode(bytes(leaf.leaf_hash)).decode("ascii")

    @admin.display(description="entry bytes")
    def entry_length(self, leaf: LogLeaf) -> int:
        return len(leaf.entry)


@admin.register(Checkpoint)
class CheckpointAdmin(_ReadOnlyAdmin, _CheckpointAdminBase):
    list_display = ["tree_size", "root_hash_base64", "timestamp", "kid"]
    fields = ["tree_size", "root_hash_base64", "timestamp", "kid", "signature", "created_at"]
    show_full_result_count = False

    @admin.display(description="root hash")
    def root_hash_base64(self, checkpoint: Checkpoint) -> str:
        return base64.b64encode(bytes(checkpoint.root_hash)).decode("ascii")


from signing.transparency import witness_admin  # noqa: E402, F401 - registers the witnesses' admin
