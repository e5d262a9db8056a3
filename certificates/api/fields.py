"""Strict input building blocks: unknown members rejected, decimals as strings, nested objects whole."""

from __future__ import annotations

import functools
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


# An object names at most this many of its unknown members, then says how many more there are;
# past the first few such objects in a request, one more is refused whole, its fields unread.
# A body of 500 goods items with 36 unknown members each would otherwise be 18,000 error entries.
MAX_UNKNOWN_NAMED = 5
MAX_OBJECTS_DETAILED = 10
_DETAILED_KEY = "strict_objects_detailed"  # in the context, which nested serializers share


class StrictSerializer(serializers.Serializer[Any]):
    """Rejects members it does not declare, naming the first few, instead of silently dropping them."""

    def to_internal_value(self, data: Any) -> Any:
        extra = self._extra_members(data)
        if extra and not _detailed_reports_left(self.context):
            raise serializers.ValidationError({"non_field_errors": [_summary(len(extra))]})
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if extra and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **_named(extra)}) from exc
            raise
        if extra:
            raise serializers.ValidationError(_named(extra))
        return value

    def _extra_members(self, data: Any) -> list[str]:
        return _extra_members(type(self), data)


def refused_unread(
    serializer_class: type[StrictSerializer], data: Any, context: Mapping[str, Any]
) -> dict[str, list[str]] | None:
    """The errors of an object refused whole, before any serializer is built for it, once the
    detailed reports are spent; ``None`` when it must be validated."""
    extra = _extra_members(serializer_class, data)
    if not extra or int(context.get(_DETAILED_KEY, 0)) < MAX_OBJECTS_DETAILED:
        return None
    return {"non_field_errors": [_summary(len(extra))]}


def _extra_members(serializer_class: type[serializers.Serializer[Any]], data: Any) -> list[str]:
    if not isinstance(data, Mapping):
        return []
    writable = _writable_names(serializer_class)
    return [str(name) for name in data if name not in writable]


def _detailed_reports_left(context: Any) -> bool:
    detailed = int(context.get(_DETAILED_KEY, 0))
    if isinstance(context, dict):
        context[_DETAILED_KEY] = detailed + 1
    return detailed < MAX_OBJECTS_DETAILED


@functools.cache
def _writable_names(serializer_class: type[serializers.Serializer[Any]]) -> frozenset[str]:
    # The declared fields of the class: ``self.fields`` deep-copies every field, once per object.
    declared = serializer_class._declared_fields
    return frozenset(name for name, field in declared.items() if not field.read_only)


def _named(extra: list[str]) -> dict[str, list[str]]:
    named = {name: [_extra_message(name)] for name in extra[:MAX_UNKNOWN_NAMED]}
    if len(extra) > MAX_UNKNOWN_NAMED:
        more = len(extra) - MAX_UNKNOWN_NAMED
        named["non_field_errors"] = [str(_("More unknown fields: %(count)d.") % {"count": more})]
    return named


def _summary(count: int) -> str:
    return str(_("Unknown fields: %(count)d. This object was not checked further.") % {"count": count})


def _extra_message(name: object) -> str:
    return str(_("This field is read-only.") if name in READ_ONLY_NAMES else _("Unknown field."))


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
