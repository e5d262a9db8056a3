"""The record of each verification made by an authenticated user (who asked what, when, and the answer)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Verification(models.Model):
    class Query(models.TextChoices):
        NUMBER = "number", _("By number")
        DOCUMENT = "document", _("By document")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="verifications",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        "certificates.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verifications",
        verbose_name=_("organization"),
    )
    created_at = models.DateTimeField(_("verified at"), default=timezone.now, db_index=True)
    query = models.CharField(_("query"), max_length=8, choices=Query.choices)
    number = models.CharField(_("number"), max_length=64, blank=True, db_index=True)
    status = models.CharField(_("result"), max_length=20)
    at = models.DateTimeField(_("status as of"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        indexes = [models.Index(fields=["organization", "-created_at"], name="verification_org_recent")]

    def __str__(self) -> str:
        return f"{self.number or '?'}: {self.status}"


class StatusBundleIssue(models.Model):
    """A status bundle the service issued: a delta is answered only from one of the last 7 days."""

    issued_at = models.DateTimeField(_("issued at"), unique=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("status bundle issued")
        verbose_name_plural = _("status bundles issued")

    def __str__(self) -> str:
        return self.issued_at.isoformat()


class StatusBundleState(models.Model):
    """A certificate's entry as the bundles last listed it, and when that changed.

    ``status`` is ``valid`` (with ``since`` the moment it was seen so) for a certificate a bundle
    listed before and no longer lists, kept 7 days so that deltas can say so.
    """

    number = models.CharField(_("number"), max_length=64, unique=True)
    status = models.CharField(_("status"), max_length=12)
    since = models.DateTimeField(_("since"))
    changed_at = models.DateTimeField(_("changed in the bundle of"), db_index=True)

    class Meta:
        verbose_name = _("status bundle entry")
        verbose_name_plural = _("status bundle entries")

    def __str__(self) -> str:
        return f"{self.number}: {self.status}"
