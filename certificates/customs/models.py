"""Customs declarations that use a certificate, and what each of its items has left (CONTRACT §10)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.accounts.models import Organization, User
from certificates.customs.inquiries.models import Inquiry  # its own module; Django loads it from here
from certificates.issuance.models import Certificate

__all__ = ["Declaration", "DeclarationLine", "Inquiry", "ItemUsage"]


class ItemUsage(models.Model):
    """One goods item of a certificate as its signed document names it, and how much declarations drew."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="item_usages")
    item_line = models.PositiveSmallIntegerField(_("line"))
    hs_code = models.CharField(_("HS code"), max_length=10)
    unit = models.CharField(_("unit"), max_length=3)
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=3)
    used = models.DecimalField(_("used"), max_digits=18, decimal_places=3, default=Decimal("0"))

    class Meta:
        app_label = "certificates"
        ordering = ["certificate", "item_line"]
        verbose_name = _("item usage")
        verbose_name_plural = _("item usages")
        constraints = [
            models.UniqueConstraint(fields=["certificate", "item_line"], name="item_usage_unique_line"),
            models.CheckConstraint(
                condition=models.Q(used__gte=0) & models.Q(used__lte=models.F("quantity")),
                name="item_usage_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} line {self.item_line}: {self.used}/{self.quantity}"

    @property
    def remaining(self) -> Decimal:
        return self.quantity - self.used


class Declaration(models.Model):
    """A customs declaration's use of one certificate; one declaration citing two is two records.

    Only recorded declarations are unique by office and number: once annulled, the same number
    may be declared again (corrected), drawing afresh.
    """

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        ANNULLED = "annulled", _("Annulled")

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="declarations")
    customs_organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    customs_office = models.CharField(_("customs office"), max_length=64)
    declaration_number = models.CharField(_("declaration number"), max_length=64)
    declared_at = models.DateTimeField(_("declared at"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECORDED)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    annulled_at = models.DateTimeField(_("annulled at"), null=True, blank=True)
    annul_reason = models.TextField(_("annul reason"), blank=True)

    class Meta:
        app_label = "certificates"
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("customs declaration")
        verbose_name_plural = _("customs declarations")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "customs_organization", "customs_office", "declaration_number"],
                condition=models.Q(status="recorded"),
                name="declaration_unique_per_office",
            )
        ]
        indexes = [models.Index(fields=["customs_organization", "declared_at"], name="declaration_org_time")]

    def __str__(self) -> str:
        return f"{self.declaration_number} ({self.customs_office})"


class DeclarationLine(models.Model):
    """A line as declared, with what remained on its item once it was drawn down."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"))
    item_line = models.PositiveSmallIntegerField(_("line"))
    hs_code = models.CharField(_("HS code"), max_length=10)
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=3)
    remaining = models.DecimalField(_("remaining"), max_digits=18, decimal_places=3)

    class Meta:
        app_label = "certificates"
        ordering = ["declaration", "position"]
        verbose_name = _("declaration line")
        verbose_name_plural = _("declaration lines")
        constraints = [
            models.UniqueConstraint(fields=["declaration", "position"], name="declaration_line_position"),
            models.UniqueConstraint(fields=["declaration", "item_line"], name="declaration_line_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item_line}: {self.quantity} {self.unit}"
