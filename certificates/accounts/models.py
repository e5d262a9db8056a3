"""Organizations (issuers, exporters, consignees, customs) and their users."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from certificates.validators import validate_number_prefix, validate_tax_id


class Organization(models.Model):
    class Kind(models.TextChoices):
        ISSUER = "issuer", _("Issuer")
        EXPORTER = "exporter", _("Exporter")
        CONSIGNEE = "consignee", _("Consignee")
        CUSTOMS = "customs", _("Customs")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=255)
    country = CountryField(_("country"))
    address = models.CharField(_("address"), max_length=500, blank=True)
    tax_id = models.CharField(_("tax id"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # An issuing body's certificate numbers start with it (``UZ-2026-EX-000123``); empty: the country.
    number_prefix = models.CharField(
        _("number prefix"), max_length=8, blank=True, default="", validators=[validate_number_prefix]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "tax_id"],
                condition=~models.Q(tax_id=""),
                name="organization_unique_tax_id_per_country",
            ),
            models.UniqueConstraint(
                fields=["number_prefix"],
                condition=~models.Q(number_prefix=""),
                name="organization_unique_number_prefix",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"

    @property
    def certificate_prefix(self) -> str:
        """What this body's certificate numbers start with."""
        return self.number_prefix or str(self.country)

    def clean(self) -> None:
        try:
            validate_tax_id(str(self.country), self.tax_id)
        except ValidationError as error:
            raise ValidationError({"tax_id": error.messages}) from error


class User(AbstractUser):
    class Language(models.TextChoices):
        RUSSIAN = "ru", _("Russian")
        UZBEK = "uz", _("Uzbek")
        ENGLISH = "en", _("English")

    class Role(models.TextChoices):
        EXPORTER = "exporter", _("Exporter")
        OFFICER = "officer", _("Certification officer")
        CUSTOMS = "customs", _("Customs")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, blank=True)
    # Blank: the language of the organization's country (``certificates.notifications.emails``).
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, blank=True, default="")

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def is_exporter(self) -> bool:
        return self.role == self.Role.EXPORTER and self.organization_id is not None

    @property
    def is_officer(self) -> bool:
        return self.role == self.Role.OFFICER

    @property
    def is_customs(self) -> bool:
        return self.role == self.Role.CUSTOMS
