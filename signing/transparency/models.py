"""Storage of the append-only Merkle log (RFC 9162 §2.1).

Leaves hold the logged bytes and their leaf hash (the level-0 subtrees). Every
complete subtree above them is stored as a ``LogNode`` when its last leaf is
appended, so that any root or proof is composed of O(log n) stored hashes.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LogHead(models.Model):
    """The single row that serializes appends (locked with ``select_for_update``)."""

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID)
    tree_size = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("log head")
        verbose_name_plural = _("log heads")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="transparency_loghead_singleton")
        ]

    def __str__(self) -> str:
        return f"log head at size {self.tree_size}"


class LogLeaf(models.Model):
    index = models.BigIntegerField(primary_key=True)
    leaf_hash = models.BinaryField(max_length=32)
    entry = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("log leaf")
        verbose_name_plural = _("log leaves")
        ordering = ["index"]

    def __str__(self) -> str:
        return f"leaf {self.index}"


class LogNode(models.Model):
    """Hash of the complete subtree over leaves ``[index * 2**level, (index + 1) * 2**level)``, level ≥ 1."""

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        verbose_name = _("log node")
        verbose_name_plural = _("log nodes")
        ordering = ["level", "index"]
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="transparency_lognode_level_index"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1), name="transparency_lognode_level_above_leaves"
            ),
        ]

    def __str__(self) -> str:
        return f"node level {self.level} index {self.index}"


class Checkpoint(models.Model):
    """A signed tree head: one per tree size, kept as history."""

    tree_size = models.BigIntegerField(unique=True)
    root_hash = models.BinaryField(max_length=32)
    timestamp = models.DateTimeField()
    signature = models.TextField(help_text="JWS compact over the canonical checkpoint JSON.")
    kid = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["-tree_size"]
        get_latest_by = "tree_size"

    def __str__(self) -> str:
        return f"checkpoint at size {self.tree_size}"
