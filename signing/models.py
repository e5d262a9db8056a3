from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from signing.jws import b64url_decode, public_jwk


class SigningKey(models.Model):
    """An Ed25519 signing key: its public half and where the backend keeps the private half.

    ``key_ref`` names the key inside its backend and holds no secret.
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

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        permissions = [("manage_signingkey", "Can create, rotate and revoke signing keys")]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=models.Q(status="active"), name="signing_key_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kid} ({self.status})"

    @property
    def public_key_bytes(self) -> bytes:
        return b64url_decode(self.public_x)

    @property
    def public_jwk(self) -> dict[str, str]:
        return public_jwk(self.public_key_bytes, self.kid)

    def was_compromised_at(self, moment: datetime) -> bool:
        """True when the key is revoked and ``moment`` is at or after its compromise time."""
        return self.compromised_at is not None and moment >= self.compromised_at


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
