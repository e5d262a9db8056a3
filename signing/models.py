from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from signing.jws import b64url_decode, public_jwk


class SigningKey(models.Model):
    """An Ed25519 signing key: its public half and where the backend keeps the private half.

    ``key_ref`` names the key inside its backend and holds no secret. ``issuer_country`` is its
    scope (CONTRACT §3 v1.1): the country of the issuing body whose certificates it signs, or
    empty for a registry key (receipts, bundles, checkpoints, log events). ``issuer_name`` is that
    body's name for display only; verifiers match on the country. ``registry_until``: a key that
    signed before keys had scopes also stands for the registry for what it signed before then.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")
        REVOKED = "revoked", _("Revoked")

    kid = models.CharField(_("key id"), max_length=64, unique=True, help_text=_("RFC 7638 thumbprint"))
    backend = models.CharField(_("backend"), max_length=64)
    key_ref = models.CharField(_("backend reference"), max_length=255)
    public_x = models.CharField(_("public key (base64url)"), max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    compromised_at = models.DateTimeField(_("compromised at"), null=True, blank=True)
    revocation_reason = models.TextField(_("revocation reason"), blank=True)
    issuer_country = models.CharField(
        _("issuing body's country"), max_length=2, blank=True, default="", help_text=_("empty: registry key")
    )
    issuer_name = models.CharField(_("issuing body"), max_length=255, blank=True, default="")
    registry_until = models.DateTimeField(_("registry key until"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        permissions = [("manage_signingkey", "Can create, rotate and revoke signing keys")]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_country"],
                condition=models.Q(status="active"),
                name="signing_key_one_active_per_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kid} ({self.status})"

    @property
    def is_registry_key(self) -> bool:
        return not self.issuer_country

    @property
    def scope_label(self) -> str:
        return self.issuer_country or "registry"

    def stands_for_registry_at(self, moment: datetime) -> bool:
        """A registry key, or a key of before scopes for what it signed before the cut-over."""
        return self.is_registry_key or (self.registry_until is not None and moment < self.registry_until)

    @property
    def issuer(self) -> dict[str, str] | None:
        """The body the key belongs to, as ``/api/v1/keys/`` shows it; ``None`` for a registry key."""
        if self.is_registry_key:
            return None
        return {"name": self.issuer_name, "country": self.issuer_country}

    @property
    def public_key_bytes(self) -> bytes:
        return b64url_decode(self.public_x)

    @property
    def public_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = {**public_jwk(self.public_key_bytes, self.kid)}
        jwk["issuer"] = {"country": self.issuer_country} if self.issuer_country else None
        if self.registry_until is not None:
            jwk["registry_until"] = _whole_second_after(self.registry_until).strftime("%Y-%m-%dT%H:%M:%SZ")
        return jwk

    def was_compromised_at(self, moment: datetime) -> bool:
        """True when the key is revoked and ``moment`` is at or after its compromise time."""
        return self.compromised_at is not None and moment >= self.compromised_at


def _whole_second_after(moment: datetime) -> datetime:
    """``moment`` in UTC rounded up to the second: signed times are printed to the second, and what a
    key signed in the cut-over's own second, before it, must still fall before the printed bound."""
    floor = moment.astimezone(UTC).replace(microsecond=0)
    return floor if floor == moment else floor + timedelta(seconds=1)


class SoftwareKeyMaterial(models.Model):
    """A private key of the software backend, encrypted at rest (envelope encryption).

    ``encrypted_private_key`` is nonce || AES-256-GCM(data key, raw private key);
    ``wrapped_data_key`` is nonce || AES-256-GCM(KEK ``kek_id``, data key); both use
    the kid as associated data, so material cannot be swapped between keys.
    """

    kid = models.CharField(max_length=64, unique=True)
    public_x = models.CharField(max_length=64)
    kek_id = models.CharField(max_length=64)
    wrapped_data_key = models.BinaryField()
    encrypted_private_key = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    rewrapped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("software key material")

    def __str__(self) -> str:
        return f"{self.kid} (KEK {self.kek_id})"


class SigningKeyEvent(models.Model):
    """Audit row of a key's lifecycle: created, activated, retired, revoked — by whom and why."""

    key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=16)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    # Who acted: a user (admin) or "manage.py <command>"; stored as text so signing needs no user model.
    actor = models.CharField(max_length=150, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("signing key event")
        verbose_name_plural = _("signing key events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.key.kid} {self.action}: {self.from_status or '-'} → {self.to_status}"
