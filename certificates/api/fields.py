"""Strict input building blocks: unknown members rejected, decimals as strings, nested objects whole."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from certificates.validators import validate_country

# Members clients see in responses but may never send; named as read-only rather than unknown.
READ_ONLY_NAMES = frozenset(
    {
        "id",
        "status",
        "exporter",
        "number",
        "created_at",
        "updated_at",
        "submitted_at",
        "certificate",
        "events",
    }
)
_PLAIN_DECIMAL = re.compile(r"^\d{1,20}(\.\d{1,20})?$")


class StrictSerializer(serializers.Serializer[Any]):
    """Rejects members it does not declare, naming each one, instead of silently dropping them."""

    def to_internal_value(self, data: Any) -> Any:
        extra = self._extra_members(data)
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if extra and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **extra}) from exc
            raise
        if extra:
            raise serializers.ValidationError(extra)
        return value

    def _extra_members(self, data: Any) -> dict[str, list[str]]:
        if not isinstance(data, Mapping):
            return {}
        writable = {name for name, field in self.fields.items() if not field.read_only}
        return {
            str(name): [
                str(_("This field is read-only.") if name in READ_ONLY_NAMES else _("Unknown field."))
            ]
            for name in data
            if name not in writable
        }


class DecimalStringField(serializers.DecimalField):
    """A decimal sent as a JSON string (``"1200.500"``) so every language reads the same number."""

    default_error_messages = {
        "not_string": _('Send decimal numbers as strings, for example "12.500".'),
    }

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or not _PLAIN_DECIMAL.match(data):
            self.fail("not_string")
        return super().to_internal_value(data)


class CountryCodeField(serializers.CharField):
    """ISO 3166-1 alpha-2 country code."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("validators", [validate_country])
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return str(getattr(value, "code", value) or "")


class WholeObjectField(serializers.Field[Any, Any, Any, Any]):
    """A nested object validated by a fresh, non-partial serializer: a PATCH replaces it whole."""

    serializer_class: type[serializers.Serializer[Any]]

    def to_internal_value(self, data: Any) -> Any:
        serializer = self.serializer_class(data=data, context=self.context)
        if not serializer.is_valid():
            raise serializers.ValidationError(serializer.errors)
        return serializer.validated_data

    def to_representation(self, value: Any) -> Any:
        return self.serializer_class(value, context=self.context).data
