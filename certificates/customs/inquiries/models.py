"""Customs inquiries: a customs organization asks the issuing body to confirm a certificate (CONTRACT §10)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.accounts.models import Organization, User
from certificates.issuance.models import Certificate

# A question or an answer is a paragraph or two, not a file.
TEXT_MAX_LENGTH = 2000


class Inquiry(models.Model):
    """One question about one certificate, and the issuing body's answer.

    ``open`` turns ``overdue`` once ``due_at`` passes unanswered; either is answered once.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        OVERDUE = "overdue", _("Overdue")
        ANSWERED = "answered", _("Answered")

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="inquiries")
    # The issuing body's country, as the signed document names it: whose officers answer.
    issuer_country = models.CharField(_("issuer country"), max_length=2)
    customs_organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    question = models.TextField(_("question"), max_length=TEXT_MAX_LENGTH)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    due_at = models.DateTimeField(_("due at"))
    overdue_at = models.DateTimeField(_("overdue since"), null=True, blank=True)
    answer = models.TextField(_("answer"), max_length=TEXT_MAX_LENGTH, blank=True)
    confirmed = models.BooleanField(_("confirmed"), null=True, blank=True)
    answered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        app_label = "certificates"
        ordering = ["due_at", "id"]
        verbose_name = _("customs inquiry")
        verbose_name_plural = _("customs inquiries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="answered", answered_at__isnull=False, confirmed__isnull=False)
                | (~models.Q(status="answered") & models.Q(answered_at__isnull=True, confirmed__isnull=True)),
                name="inquiry_answered_has_answer",
            )
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="inquiry_status_due"),
            models.Index(fields=["customs_organization", "asked_at"], name="inquiry_org_time"),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} inquiry {self.pk} ({self.status})"
