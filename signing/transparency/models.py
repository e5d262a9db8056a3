"""Storage of the append-only Merkle log (RFC 9162 §2.1).

Leaves hold the logged bytes and their leaf hash (the level-0 subtrees). Every
complete subtree above them is stored as a ``LogNode`` when its last leaf is
appended, so that any root or proof is composed of O(log n) stored hashes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from signing.jws import b64url_decode


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


class Witness(models.Model):
    """Another party (a customs service) that cosigns checkpoints it found consistent (CONTRACT §11)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kid = models.CharField(_("key id"), max_length=64, unique=True, help_text=_("RFC 7638 thumbprint"))
    public_x = models.CharField(_("public key (base64url)"), max_length=64)
    # The account that posts this witness's cosignatures (a customs user: the registration checks it).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="witnesses", verbose_name=_("user")
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("witness")
        verbose_name_plural = _("witnesses")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def public_key_bytes(self) -> bytes:
        return b64url_decode(self.public_x)


class Cosignature(models.Model):
    """A witness's signature over a checkpoint the service issued, with the witness's own clock."""

    witness = models.ForeignKey(Witness, on_delete=models.PROTECT, related_name="cosignatures")
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="cosignatures")
    signature = models.TextField(help_text=_("JWS compact (typ certsvc-cosignature+jws)."))
    cosigned_at = models.DateTimeField(_("cosigned at"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("cosignature")
        verbose_name_plural = _("cosignatures")
        ordering = ["-checkpoint__tree_size", "witness__name"]
        constraints = [
            models.UniqueConstraint(fields=["witness", "checkpoint"], name="transparency_cosignature_once")
        ]

    def __str__(self) -> str:
        return f"{self.witness_id} cosigned checkpoint {self.checkpoint_id}"


class WitnessEvent(models.Model):
    """Audit row of a witness: registered, activated, deactivated, cosigned — by whom."""

    witness = models.ForeignKey(Witness, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=16)
    # Stored as text, as for key events: a user of the admin, or "manage.py <command>".
    actor = models.CharField(max_length=150, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        verbose_name = _("witness event")
        verbose_name_plural = _("witness events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.witness_id} {self.action}"
