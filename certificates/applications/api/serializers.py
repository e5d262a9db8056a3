"""Input serializers validate what clients send; output serializers shape what they read."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from certificates.accounts.models import Organization
from certificates.api.fields import (
    CountryCodeField,
    DecimalStringField,
    StrictSerializer,
    WholeObjectField,
    refused_unread,
)
from certificates.applications.api.examples import APPLICATION_EXAMPLES, REASON_EXAMPLES
from certificates.applications.models import GOODS_ITEM_COLUMNS, Application, ApplicationEvent, GoodsItem
from certificates.applications.services import MAX_ITEMS
from certificates.applications.validation import (
    MARKS_MAX_LENGTH,
    PACKAGES_MAX_COUNT,
    validate_origin_criterion,
    validate_package_kind,
)
from certificates.validators import (
    validate_currency,
    validate_hs_code,
    validate_not_future,
    validate_positive,
    validate_tax_id,
    validate_unit,
)

# --- input -----------------------------------------------------------------------


class ConsigneeInputSerializer(StrictSerializer):
    name = serializers.CharField(max_length=255)
    country = CountryCodeField()
    address = serializers.CharField(max_length=500)
    tax_id = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            validate_tax_id(attrs["country"], attrs.get("tax_id", ""))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"tax_id": exc.messages}) from exc
        return attrs


class TransportInputSerializer(StrictSerializer):
    mode = serializers.ChoiceField(choices=Application.TransportMode.choices)
    details = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class InvoiceInputSerializer(StrictSerializer):
    number = serializers.CharField(max_length=64)
    date = serializers.DateField(validators=[validate_not_future])


@extend_schema_field({"type": "string", "pattern": "^[1-9][0-9]{0,8}$", "example": "24"})
class PackageCountField(serializers.IntegerField):
    """A whole number of packages, at least 1, sent as a string of digits (as the document carries it)."""

    default_error_messages = {"not_whole": _('Send the number of packages as a string of digits, e.g. "24".')}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=PACKAGES_MAX_COUNT, **kwargs)

    def to_internal_value(self, data: Any) -> int:
        # A string, like the decimals: every language reads it the same (no 24.0, no 2.4e1).
        if not (isinstance(data, str) and data.isascii() and data.isdigit()):
            self.fail("not_whole")
        return int(super().to_internal_value(data))

    def to_representation(self, value: Any) -> Any:
        return str(value)


class PackagesInputSerializer(StrictSerializer):
    """CT-1 column 6: how many packages and of which kind (UN/ECE Rec 21 code, e.g. CT carton)."""

    count = PackageCountField()
    kind = serializers.CharField(max_length=2, validators=[validate_package_kind])


@extend_schema_field(PackagesInputSerializer)
class PackagesField(WholeObjectField):
    serializer_class = PackagesInputSerializer


class GoodsItemInputSerializer(StrictSerializer):
    line = serializers.IntegerField(
        required=False, min_value=1, help_text="Optional; when sent it must equal the item's position (1..n)."
    )
    description = serializers.CharField(max_length=1000)
    hs_code = serializers.CharField(max_length=10, validators=[validate_hs_code])
    quantity = DecimalStringField(max_digits=18, decimal_places=3, validators=[validate_positive])
    unit = serializers.CharField(max_length=3, validators=[validate_unit])
    net_weight_kg = DecimalStringField(max_digits=15, decimal_places=3, validators=[validate_positive])
    gross_weight_kg = DecimalStringField(max_digits=15, decimal_places=3, validators=[validate_positive])
    value = DecimalStringField(max_digits=18, decimal_places=2, validators=[validate_positive])
    currency = serializers.CharField(max_length=3, validators=[validate_currency])
    origin_country = CountryCodeField()
    origin_criterion = serializers.CharField(
        max_length=4,
        required=False,
        validators=[validate_origin_criterion],
        help_text="CT-1 column 8 under the CIS rules of 20 November 2009: П wholly obtained, "
        "Д sufficient processing (the list is in docs/contract.md).",
    )
    packages = PackagesField(required=False)
    marks = serializers.CharField(
        max_length=MARKS_MAX_LENGTH, required=False, allow_blank=True, help_text="CT-1 column 5."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["net_weight_kg"] > attrs["gross_weight_kg"]:
            raise serializers.ValidationError(
                {"net_weight_kg": [_("The net weight cannot exceed the gross weight.")]}
            )
        packages = attrs.pop("packages", None)
        if packages:
            attrs["packages_count"], attrs["packages_kind"] = packages["count"], packages["kind"]
        return attrs


@extend_schema_field(ConsigneeInputSerializer)
class ConsigneeField(WholeObjectField):
    serializer_class = ConsigneeInputSerializer


@extend_schema_field(TransportInputSerializer)
class TransportField(WholeObjectField):
    serializer_class = TransportInputSerializer


@extend_schema_field(InvoiceInputSerializer)
class InvoiceField(WholeObjectField):
    serializer_class = InvoiceInputSerializer


@extend_schema_field(GoodsItemInputSerializer(many=True))
class ItemsField(serializers.Field[list[dict[str, Any]], Any, Any, Any]):
    """1..500 goods items, validated whole; lines are numbered by position (1..n)."""

    default_error_messages = {
        "not_a_list": _("Expected a list of goods items."),
        "count": _("Send between 1 and %(max)d goods items."),
        "line": _("The line number must equal the item's position (%(line)d)."),
    }

    def to_internal_value(self, data: Any) -> list[dict[str, Any]]:
        if not isinstance(data, list):
            self.fail("not_a_list")
        if not 1 <= len(data) <= MAX_ITEMS:
            raise serializers.ValidationError(self.error_messages["count"] % {"max": MAX_ITEMS}, code="count")
        items, errors = [], []
        for position, raw in enumerate(data, start=1):
            item, error = self._one(raw, position)
            items.append(item)
            errors.append(error)
        if any(errors):
            raise serializers.ValidationError(errors)
        return items

    def _one(self, raw: Any, position: int) -> tuple[dict[str, Any], dict[str, Any]]:
        refused = refused_unread(GoodsItemInputSerializer, raw, self.context)
        if refused is not None:
            return {}, refused
        serializer = GoodsItemInputSerializer(data=raw, context=self.context)
        if not serializer.is_valid():
            return {}, serializer.errors
        item = dict(serializer.validated_data)
        if item.pop("line", position) != position:
            return {}, {"line": [self.error_messages["line"] % {"line": position}]}
        return item, {}

    def to_representation(self, value: Any) -> Any:
        return value


@extend_schema_field({"type": "string", "minLength": 1})
class CertificateNumberField(serializers.CharField):
    """A certificate's number, a non-empty string; which certificates it may name is the service's rule."""


@extend_schema_serializer(examples=APPLICATION_EXAMPLES)
class ApplicationInputSerializer(StrictSerializer):
    """The document's fields an exporter sends; the exporter itself is the caller's organization."""

    type = serializers.ChoiceField(choices=Application.Type.choices)
    consignee = ConsigneeField()
    country_of_export = CountryCodeField()
    country_of_destination = CountryCodeField()
    transport = TransportField()
    invoice = InvoiceField()
    items = ItemsField()
    print_language = serializers.ChoiceField(
        choices=Application.PrintLanguage.choices,
        required=False,
        help_text="The printed certificate's second language; Russian is always the first.",
    )
    # Only a number: which certificates the caller may replace is the service's rule.
    replaces = CertificateNumberField(
        required=False,
        allow_null=True,
        help_text="Number of the organization's issued certificate that this application replaces.",
    )

    def to_service_arguments(self) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
        """Split validated data into model fields and the items list (``None`` when not sent)."""
        data = dict(self.validated_data)
        items = data.pop("items", None)
        fields: dict[str, Any] = {}
        for prefix in ("consignee", "transport", "invoice"):
            for name, value in (data.pop(prefix, None) or {}).items():
                fields[f"{prefix}_{name}"] = value
        fields.update(data)
        return fields, items


@extend_schema_serializer(examples=REASON_EXAMPLES)
class ReasonInputSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2000)


# --- output ----------------------------------------------------------------------


class OrganizationOutputSerializer(serializers.ModelSerializer[Organization]):
    country = CountryCodeField()

    class Meta:
        model = Organization
        fields = ["id", "name", "country", "address", "tax_id"]


class ConsigneeOutputSerializer(serializers.Serializer[Application]):
    name = serializers.CharField(source="consignee_name")
    country = CountryCodeField(source="consignee_country")
    address = serializers.CharField(source="consignee_address")
    tax_id = serializers.CharField(source="consignee_tax_id")


class TransportOutputSerializer(serializers.Serializer[Application]):
    mode = serializers.CharField(source="transport_mode")
    details = serializers.CharField(source="transport_details")


class InvoiceOutputSerializer(serializers.Serializer[Application]):
    number = serializers.CharField(source="invoice_number")
    date = serializers.DateField(source="invoice_date")


class PackagesOutputSerializer(serializers.Serializer[GoodsItem]):
    count = PackageCountField(source="packages_count")
    kind = serializers.CharField(source="packages_kind")


class GoodsItemOutputSerializer(serializers.ModelSerializer[GoodsItem]):
    origin_country = CountryCodeField()
    origin_criterion = serializers.CharField(required=False)
    packages = PackagesOutputSerializer(source="*", required=False)
    marks = serializers.CharField(required=False)
    ct1_missing = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The CT-1 columns this item does not state (origin_criterion, packages, marks); "
        "the printed certificate says 'not stated' there.",
    )

    class Meta:
        model = GoodsItem
        fields = [
            *GOODS_ITEM_COLUMNS[: GOODS_ITEM_COLUMNS.index("packages_count")],
            "packages",
            "marks",
            "ct1_missing",
        ]

    def to_representation(self, instance: GoodsItem) -> dict[str, Any]:
        """Columns the exporter did not state are absent, never null, as in the document."""
        data = super().to_representation(instance)
        for name in instance.ct1_missing:
            data.pop(name, None)
        return data


class ApplicationEventOutputSerializer(serializers.ModelSerializer[ApplicationEvent]):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)

    class Meta:
        model = ApplicationEvent
        fields = ["at", "action", "from_status", "to_status", "reason", "actor"]


class ApplicationOutputSerializer(serializers.ModelSerializer[Application]):
    exporter = OrganizationOutputSerializer()
    consignee = ConsigneeOutputSerializer(source="*")
    country_of_export = CountryCodeField()
    country_of_destination = CountryCodeField()
    transport = TransportOutputSerializer(source="*")
    invoice = InvoiceOutputSerializer(source="*")
    items = GoodsItemOutputSerializer(many=True)
    replaces = serializers.CharField(source="replaces.number", default=None, allow_null=True)
    certificate = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "type",
            "status",
            "exporter",
            "consignee",
            "country_of_export",
            "country_of_destination",
            "transport",
            "invoice",
            "items",
            "print_language",
            "replaces",
            "certificate",
            "created_at",
            "updated_at",
            "submitted_at",
        ]

    @extend_schema_field(
        serializers.CharField(allow_null=True, help_text="The certificate's number once issued.")
    )
    def get_certificate(self, application: Application) -> str | None:
        certificate = getattr(application, "certificate", None)  # no certificate: the reverse lookup raises
        return certificate.number if certificate else None


class ApplicationDetailOutputSerializer(ApplicationOutputSerializer):
    events = ApplicationEventOutputSerializer(many=True)

    class Meta(ApplicationOutputSerializer.Meta):
        fields = [*ApplicationOutputSerializer.Meta.fields, "events"]
