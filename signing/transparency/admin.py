"""Read-only views of the log: it is append-only, so nothing here may add, change or delete."""

from __future__ import annotations

import base64

from django.contrib import admin

from signing.transparency.models import Checkpoint, LogLeaf


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LogLeaf)
class LogLeafAdmin(_ReadOnlyAdmin):
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
class CheckpointAdmin(_ReadOnlyAdmin):
    list_display = ["tree_size", "root_hash_base64", "timestamp", "kid"]
    fields = ["tree_size", "root_hash_base64", "timestamp", "kid", "signature", "created_at"]
    show_full_result_count = False

    @admin.display(description="root hash")
    def root_hash_base64(self, checkpoint: Checkpoint) -> str:
        return base64.b64encode(bytes(checkpoint.root_hash)).decode("ascii")
