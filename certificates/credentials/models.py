"""The signed revocation status list, kept between regenerations."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StatusList(models.Model):
    """The latest signed ``BitstringStatusListCredential`` of one purpose (CONTRACT §12)."""

    purpose = models.CharField(_("purpose"), max_length=16, unique=True)
    jws = models.TextField(_("vc+jwt"))
    valid_until = models.DateTimeField(_("valid until"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")

    def __str__(self) -> str:
        return f"{self.purpose} status list"
