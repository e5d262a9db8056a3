"""Applications, their goods items and their audit rows; the workflow as data."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.core.files.storage import Storage, storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from certificates.accounts.models import Organization, User
from certificates.audit import AuditEvent


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

    class PrintLanguage(models.TextChoices):
        """The second language of the printed CT-1; Russian, the form's own, is always the first."""

        ENGLISH = "en", _("Russian and English")
        UZBEK = "uz", _("Russian and Uzbek")

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
    print_language = models.CharField(
        _("print language"),
        max_length=2,
        choices=PrintLanguage.choices,
        default=PrintLanguage.ENGLISH,
        db_default=PrintLanguage.ENGLISH,  # rows written by bulk COPY (bench/generator) get it too
    )
    replaces = models.ForeignKey(
        "Certificate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replacement_applications",
        verbose_name=_("replaces certificate"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # The officer working the application in the review queue (certificates.applications.assignment).
    assigned_to = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_applications",
        verbose_name=_("assigned to"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
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


# A goods item's columns, in the order the admin and the API show them (the services copy the same ones).
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
    "origin_criterion",
    "packages_count",
    "packages_kind",
    "marks",
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
    # CT-1 columns 8, 6 and 5; blank (or null) when the exporter did not state them.
    origin_criterion = models.CharField(
        _("origin criterion"), max_length=4, blank=True, default="", db_default=""
    )
    packages_count = models.PositiveIntegerField(_("number of packages"), null=True, blank=True)
    packages_kind = models.CharField(
        _("kind of packages"), max_length=2, blank=True, default="", db_default=""
    )
    marks = models.CharField(_("marks and numbers"), max_length=500, blank=True, default="", db_default="")

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

    @property
    def ct1_missing(self) -> list[str]:
        """The optional CT-1 columns this item does not state, named as the API names them."""
        missing = [] if self.origin_criterion else ["origin_criterion"]
        if self.packages_count is None or not self.packages_kind:
            missing.append("packages")
        return missing if self.marks else [*missing, "marks"]


class ApplicationEvent(AuditEvent):
    """One audit row per state change or edit of an application."""

    # SET_NULL with the id kept in ``application_ref``: deleting a draft or returned application
    # keeps its history (the officers' decisions included), and its chain stays checkable.
    application = models.ForeignKey(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    application_ref = models.PositiveBigIntegerField(_("application id"), db_index=True, editable=False)

    class Meta(AuditEvent.Meta):
        verbose_name = _("application event")
        verbose_name_plural = _("application events")


def attachment_storage() -> Storage:
    """The storage of supporting documents: ``STORAGES["attachments"]`` (file system or S3)."""
    return storages["attachments"]


def _document_name(document: SupportingDocument, filename: str) -> str:
    # Never the client's file name: a generated one under the application's folder.
    return f"applications/{document.application_id}/{uuid.uuid4().hex}{Path(filename).suffix}"


class SupportingDocument(models.Model):
    """An invoice, contract or origin evidence scan attached to an application (PDF, JPEG or PNG)."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CONTRACT = "contract", _("Contract")
        ORIGIN_EVIDENCE = "origin_evidence", _("Evidence of origin")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="documents", verbose_name=_("application")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("file"), storage=attachment_storage, upload_to=_document_name, max_length=255)
    display_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveBigIntegerField(_("size, bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="uploaded_documents", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["application", "uploaded_at", "id"]
        verbose_name = _("supporting document")
        verbose_name_plural = _("supporting documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.display_name}"


class ApplicationVersion(models.Model):
    """What the exporter submitted, once per submission: the fields and goods lines as they were.

    ``returned_at`` is set when an officer returns that submission, so the next one can be compared
    with what was returned (``certificates.applications.versions.resubmission_diff``).
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("submission"))
    submitted_at = models.DateTimeField(_("submitted at"))
    fields = models.JSONField(_("fields"))
    items = models.JSONField(_("goods items"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True, default="")

    class Meta:
        ordering = ["application", "number"]
        verbose_name = _("application version")
        verbose_name_plural = _("application versions")
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="application_version_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.application_id} v{self.number}"
