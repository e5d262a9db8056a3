"""Declarations in and out (CONTRACT §10): strict input, quantities as strings with three decimals."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any, cast

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from certificates.api.fields import DecimalStringField, StrictSerializer
from certificates.customs.matching import MATCH, DeclaredLine, quantity_text
from certificates.customs.models import Declaration, DeclarationLine
from certificates.customs.services import certificate_usage_status
from certificates.validators import validate_hs_code, validate_positive, validate_unit

# As many lines as a certificate may have goods items.
MAX_LINES = 500


def validate_not_future_moment(value: datetime) -> None:
    if value > timezone.now():
        raise serializers.ValidationError(_("The time cannot be in the future."), code="future_time")


class DeclarationLineInputSerializer(StrictSerializer):
    item_line = serializers.IntegerField(min_value=1, max_value=32767)
    hs_code = serializers.CharField(max_length=10, validators=[validate_hs_code])
    quantity = DecimalStringField(max_digits=18, decimal_places=3, validators=[validate_positive])
    unit = serializers.CharField(max_length=3, validators=[validate_unit])


def declaration_lines_field() -> serializers.ListSerializer[Any]:
    return serializers.ListSerializer(
        child=DeclarationLineInputSerializer(), allow_empty=False, max_length=MAX_LINES
    )


class DeclaredLinesMixin(serializers.Serializer[Any]):
    """The rules of a declaration's ``lines`` beyond each line's: no two name one ``item_line``."""

    def validate_lines(self, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        counts = Counter(line["item_line"] for line in lines)
        if any(count > 1 for count in counts.values()):
            message = _("Another line names the same item_line.")
            raise serializers.ValidationError(
                [
                    {"item_line": [ErrorDetail(str(message), code="duplicate_line")]}
                    if counts[line["item_line"]] > 1
                    else {}
                    for line in lines
                ]
            )
        return lines

    def declared_lines(self) -> list[DeclaredLine]:
        return [DeclaredLine(**line) for line in self.validated_data["lines"]]


class DeclarationInputSerializer(DeclaredLinesMixin, StrictSerializer):
    declaration_number = serializers.CharField(max_length=64)
    declared_at = serializers.DateTimeField(validators=[validate_not_future_moment])
    customs_office = serializers.CharField(max_length=64)
    lines = declaration_lines_field()


class DeclarationCheckInputSerializer(DeclaredLinesMixin, StrictSerializer):
    """A declaration's lines as verify checks them (CONTRACT §10): validated as a recording's."""

    lines = declaration_lines_field()


class AnnulInputSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2000)


class CustomsOrganizationSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    country = serializers.SerializerMethodField()

    def get_country(self, organization: Any) -> str:
        return str(organization.country)


class DeclarationLineOutputSerializer(serializers.ModelSerializer[DeclarationLine]):
    quantity = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()
    remaining = serializers.SerializerMethodField()

    class Meta:
        model = DeclarationLine
        fields = ["item_line", "hs_code", "quantity", "unit", "result", "remaining"]

    def get_quantity(self, line: DeclarationLine) -> str:
        return quantity_text(line.quantity)

    def get_result(self, line: DeclarationLine) -> str:
        return MATCH

    def get_remaining(self, line: DeclarationLine) -> str:
        return quantity_text(line.remaining)


class DeclarationOutputSerializer(serializers.ModelSerializer[Declaration]):
    number = serializers.CharField(source="certificate.number")
    customs_organization = CustomsOrganizationSerializer()
    lines = DeclarationLineOutputSerializer(many=True)
    certificate_status = serializers.SerializerMethodField()

    class Meta:
        model = Declaration
        fields = [
            "id",
            "number",
            "declaration_number",
            "declared_at",
            "customs_office",
            "customs_organization",
            "status",
            "recorded_at",
            "annulled_at",
            "annul_reason",
            "lines",
            "certificate_status",
        ]

    def get_certificate_status(self, declaration: Declaration) -> str:
        known = cast(dict[str, Any], self.context).setdefault("certificate_statuses", {})
        if declaration.certificate_id not in known:
            known[declaration.certificate_id] = certificate_usage_status(certificate=declaration.certificate)
        return str(known[declaration.certificate_id])

    def to_representation(self, instance: Declaration) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["annul_reason"] = instance.annul_reason or None
        return data
