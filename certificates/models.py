from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from certificates.validators import validate_tax_id


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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "tax_id"],
                condition=~models.Q(tax_id=""),
                name="organization_unique_tax_id_per_country",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"

    def clean(self) -> None:
        try:
            validate_tax_id(str(self.country), self.tax_id)
        except ValidationError as error:
            raise ValidationError({"tax_id": error.messages}) from error


class User(AbstractUser):
    class Role(models.TextChoices):
        EXPORTER = "exporter", _("Exporter")
        OFFICER = "officer", _("Certification officer")
        CUSTOMS = "customs", _("Customs")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")

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


class Application(models.Model):
    """An exporter's request for a certificate: parties, route, invoice and goods items."""

    class Type(models.TextChoices):
        EXPORT = "export", _("Export")
        IMPORT = "import", _("Import")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for corrections")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ISSUED = "issued", _("Issued")

    class TransportMode(models.TextChoices):
        ROAD = "road", _("Road")
        RAIL = "rail", _("Rail")
        AIR = "air", _("Air")
        SEA = "sea", _("Sea")
        MULTIMODAL = "multimodal", _("Multimodal")

    exporter = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="applications", verbose_name=_("exporter")
    )
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="applications_created", verbose_name=_("created by")
    )
    type = models.CharField(_("type"), max_length=8, choices=Type.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    consignee_name = models.CharField(_("consignee name"), max_length=255)
    consignee_country = CountryField(_("consignee country"))
    consignee_address = models.CharField(_("consignee address"), max_length=500)
    consignee_tax_id = models.CharField(_("consignee tax id"), max_length=32, blank=True)
    country_of_export = CountryField(_("country of export"))
    country_of_destination = CountryField(_("country of destination"))
    transport_mode = models.CharField(_("transport mode"), max_length=16, choices=TransportMode.choices)
    transport_details = models.CharField(_("transport details"), max_length=500, blank=True)
    invoice_number = models.CharField(_("invoice number"), max_length=64)
    invoice_date = models.DateField(_("invoice date"))
    replaces = models.ForeignKey(
        "Certificate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replacement_applications",
        verbose_name=_("replaces certificate"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="application_status_queue"),
            models.Index(fields=["exporter", "-created_at"], name="application_exporter_recent"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_type_display()} {self.invoice_number} ({self.status})"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


# The workflow as data: each status lists the statuses it may move to.
_S = Application.Status
APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    _S.DRAFT: frozenset({_S.SUBMITTED, _S.WITHDRAWN}),
    _S.SUBMITTED: frozenset({_S.RETURNED, _S.APPROVED, _S.REJECTED, _S.WITHDRAWN}),
    _S.RETURNED: frozenset({_S.SUBMITTED, _S.WITHDRAWN}),
    _S.APPROVED: frozenset({_S.ISSUED}),
    _S.REJECTED: frozenset(),
    _S.WITHDRAWN: frozenset(),
    _S.ISSUED: frozenset(),
}
EDITABLE_STATUSES = frozenset({_S.DRAFT, _S.RETURNED})
# Officers review from submission on; drafts are the exporter's private business.
OFFICER_VISIBLE_STATUSES = frozenset(set(_S.values) - {_S.DRAFT})
del _S


# The goods table's columns, in the order the certificate prints them (admin and API share it).
GOODS_ITEM_COLUMNS = (
    "line",
    "description",
    "hs_code",
    "quantity",
    "unit",
    "net_weight_kg",
    "gross_weight_kg",
    "value",
    "currency",
    "origin_country",
)


class GoodsItem(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="items")
    line = models.PositiveSmallIntegerField(_("line"))
    description = models.CharField(_("description"), max_length=1000)
    hs_code = models.CharField(_("HS code"), max_length=10, db_index=True)
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=3)
    net_weight_kg = models.DecimalField(_("net weight, kg"), max_digits=15, decimal_places=3)
    gross_weight_kg = models.DecimalField(_("gross weight, kg"), max_digits=15, decimal_places=3)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    origin_country = CountryField(_("country of origin"))

    class Meta:
        ordering = ["application", "line"]
        verbose_name = _("goods item")
        verbose_name_plural = _("goods items")
        constraints = [
            models.UniqueConstraint(fields=["application", "line"], name="goods_item_unique_line"),
            models.CheckConstraint(condition=models.Q(line__gte=1), name="goods_item_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.line}. {self.hs_code} {self.description[:40]}"


class AuditEvent(models.Model):
    """An audit row: who changed what from which status to which, when and why; hash-chained per owner."""

    # PROTECT: deleting a user would rewrite signed history; deactivate users instead.
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    from_status = models.CharField(_("from status"), max_length=16, blank=True)
    to_status = models.CharField(_("to status"), max_length=16, blank=True)
    action = models.CharField(_("action"), max_length=32)
    reason = models.TextField(_("reason"), blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, editable=False)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"


class ApplicationEvent(AuditEvent):
    """One audit row per state change or edit of an application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")

    class Meta(AuditEvent.Meta):
        verbose_name = _("application event")
        verbose_name_plural = _("application events")


class Certificate(models.Model):
    """The signed certificate; its ``document``, ``canonical`` bytes and ``jws`` never change after issue."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(_("number"), max_length=32, unique=True)
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
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    log_index = models.BigIntegerField(_("transparency log index"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="certificates/pdf/", blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(fields=["year", "type", "sequence"], name="certificate_unique_sequence"),
        ]
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
    """Last certificate number used per year and type; locked while a number is taken (gapless)."""

    year = models.SmallIntegerField(_("year"))
    type = models.CharField(_("type"), max_length=8, choices=Application.Type.choices)
    last = models.IntegerField(_("last"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [models.UniqueConstraint(fields=["year", "type"], name="number_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.year}/{self.type}: {self.last}"


class IdempotencyKey(models.Model):
    """The first response to a POST sent with an ``Idempotency-Key``, replayed to retries of it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    scope = models.CharField(max_length=64)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


from certificates.verification_models import Verification  # noqa: E402,F401
