"""Query parameters of the list endpoints, as strict as the schema that documents them."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms


class QueryDateField(forms.DateField):
    """A date parameter: absent filters nothing; present, even empty (``?date_from=``), must be a date."""

    def clean(self, value: Any) -> Any:
        if value == "":
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().clean(value)


class QueryDateFilter(django_filters.DateFilter):  # type: ignore[misc]  # django-filter is untyped
    field_class = QueryDateField
