from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, QuerySet

from certificates.api.query_filters import QueryDateFilter
from certificates.applications.models import Application, GoodsItem


class ApplicationFilter(django_filters.FilterSet):  # type: ignore[misc]  # untyped base, see above
    status = django_filters.MultipleChoiceFilter(choices=Application.Status.choices)
    type = django_filters.ChoiceFilter(choices=Application.Type.choices)
    country_of_destination = django_filters.CharFilter()
    created_after = QueryDateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = QueryDateFilter(field_name="created_at", lookup_expr="date__lte")
    hs_code = django_filters.CharFilter(
        method="filter_hs_code", label="HS code prefix of any goods item (e.g. 8471)."
    )

    class Meta:
        model = Application
        fields = ["status", "type", "country_of_destination", "created_after", "created_before", "hs_code"]

    def filter_hs_code(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        # EXISTS rather than a join, so an application with two matching items is listed once.
        items = GoodsItem.objects.filter(application=OuterRef("pk"), hs_code__startswith=value)
        return queryset.filter(Exists(items))
