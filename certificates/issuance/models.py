"""Certificates, their audit rows, signing orders and number sequences."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from certificates.accounts.models import Organization
from certificates.applications.models import Application
from certificates.audit import AuditEvent
from certificates.issuance.access_codes import access_code_new


class Certificate(models.Model):
    """The signed certificate; its ``document``, ``canonical`` bytes and ``jws`` never change after issue."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="certificate")
    # The issuing body that certified it (the document's ``issuer``); its officers revoke or replace it.
    issuer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_certificates",
        verbose_name=_("issuing body"),
    )
    number = models.CharField(_("number"), max_length=32, unique=True)
    access_code = models.CharField(_("access code"), max_length=32, default=access_code_new, editable=False)
    type = models.CharField(_("type"), max_length=8, choices=Application.Type.choices)
    year = models.SmallIntegerField(_("year"))
    sequence = models.IntegerField(_("sequence"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ISSUED)
    document = models.JSONField(_("document"))
    canonical = models.BinaryField(_("canonical document"))
    jws = models.TextField(_("JWS"))
    jws_sha256 = models.CharField(_("JWS SHA-256"), max_length=64, db_index=True)
    kid = models.CharField(_("key id"), max_length=64)
    issued_at = models.DateTimeField(_("issued at"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.TextField(_("revocation reason"), blank=True)
    # Set by customs declarations when nothing remains on any item; cleared when one is annulled.
    exhausted_at = models.DateTimeField(_("exhausted at"), null=True, blank=True)
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    log_index = models.BigIntegerField(_("transparency log index"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="certificates/pdf/", blank=True)
    # The certificate as a W3C Verifiable Credential (vc+jwt, CONTRACT §12), signed once after issue.
    credential = models.TextField(_("verifiable credential"), blank=True, default="")
    # Its bit in the revocation status list: its id, set as it is signed (ids are never reused).
    status_list_index = models.BigIntegerField(_("status list index"), unique=True, null=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        indexes = [models.Index(fields=["status"], name="certificate_status")]

    def __str__(self) -> str:
        return self.number


class CertificateEvent(AuditEvent):
    """Audit rows for certificates: issue, revoke, supersede."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="events")

    class Meta(AuditEvent.Meta):
        verbose_name = _("certificate event")
        verbose_name_plural = _("certificate events")


class IssuanceOrder(models.Model):
    """Outbox row: issuance of this application is due; survives a broker outage."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="issuance")
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.IntegerField(_("attempts"), default=0)
    error_code = models.CharField(_("error code"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("issuance order")
        verbose_name_plural = _("issuance orders")
        indexes = [models.Index(fields=["state", "queued_at"], name="issuance_state_queued")]

    def __str__(self) -> str:
        return f"issuance of application #{self.application_id}: {self.state}"


class NumberSequence(models.Model):
    """Last certificate number used per body (its prefix), year and type; locked while one is taken."""

    prefix = models.CharField(_("prefix"), max_length=8)
    year = models.SmallIntegerField(_("year"))
    type = models.CharField(_("type"), max_length=8, choices=Application.Type.choices)
    last = models.IntegerField(_("last"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year", "type"], name="number_sequence_unique_per_body")
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.year}/{self.type}: {self.last}"
