"""What each submission said, and what changed since the officer returned it.

Every submission stores an ``ApplicationVersion``: the exporter's fields and goods lines as JSON.
Returning an application marks its latest version returned (with the reason). On the next
submission :func:`resubmission_diff` compares the new version with the returned one, field by
field (parties, route, invoice) and goods line by line number: the officer's side-by-side view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from certificates.applications.models import GOODS_ITEM_COLUMNS, Application, ApplicationVersion, GoodsItem

# The fields of a version, grouped as the officer's view shows them.
FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    "parties": ("type", "consignee_name", "consignee_country", "consignee_address", "consignee_tax_id"),
    "route": ("country_of_export", "country_of_destination", "transport_mode", "transport_details"),
    "invoice": ("invoice_number", "invoice_date"),
    "document": ("print_language", "replaces"),
}
VERSION_FIELDS = tuple(name for names in FIELD_GROUPS.values() for name in names)
_GROUP_OF = {name: group for group, names in FIELD_GROUPS.items() for name in names}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any
    group: str = ""

    @property
    def label(self) -> str:
        """The field's name in the reader's language (the model's verbose name)."""
        for model in (Application, GoodsItem):
            try:
                found = model._meta.get_field(self.field)
            except FieldDoesNotExist:
                continue
            return str(getattr(found, "verbose_name", self.field))
        return self.field


@dataclass(frozen=True)
class LineChange:
    """One goods line (by its number) added, removed or changed, with its columns before and after."""

    line: int
    change: str  # "added" | "removed" | "changed"
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    columns: list[FieldChange] = field(default_factory=list)


@dataclass(frozen=True)
class ResubmissionDiff:
    returned: ApplicationVersion
    current: ApplicationVersion
    fields: list[FieldChange]
    lines: list[LineChange]

    @property
    def changed(self) -> bool:
        return bool(self.fields or self.lines)


def version_record(application: Application) -> ApplicationVersion:
    """Store the application as just submitted; the caller holds its row lock."""
    latest = application.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return ApplicationVersion.objects.create(
        application=application,
        number=latest + 1,
        submitted_at=application.submitted_at or timezone.now(),
        fields=_fields_of(application),
        items=[_line_of(item) for item in application.items.order_by("line")],
    )


def version_mark_returned(application: Application, *, reason: str) -> None:
    """The latest submission is the one the officer returned; the caller holds the row lock."""
    application.versions.filter(number=application.versions.order_by("-number").values("number")[:1]).update(
        returned_at=timezone.now(), return_reason=reason
    )


def resubmission_diff(application: Application) -> ResubmissionDiff | None:
    """The latest submission against the last one returned before it; None when there is no such pair."""
    current = application.versions.order_by("-number").first()
    if current is None:
        return None
    returned = (
        application.versions.filter(number__lt=current.number, returned_at__isnull=False)
        .order_by("-number")
        .first()
    )
    if returned is None:
        return None
    return ResubmissionDiff(
        returned=returned,
        current=current,
        fields=_field_changes(returned.fields, current.fields),
        lines=_line_changes(returned.items, current.items),
    )


# --- helpers ---------------------------------------------------------------------


def _fields_of(application: Application) -> dict[str, Any]:
    values = {name: _plain(getattr(application, name)) for name in VERSION_FIELDS if name != "replaces"}
    values["replaces"] = application.replaces.number if application.replaces is not None else None
    return values


def _line_of(item: Any) -> dict[str, Any]:
    return {name: _plain(getattr(item, name)) for name in GOODS_ITEM_COLUMNS}


def _plain(value: Any) -> Any:
    """A JSON value that compares as the document reads: decimals and dates as text, countries as codes."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if hasattr(value, "code"):  # django-countries' Country
        return value.code
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _field_changes(old: dict[str, Any], new: dict[str, Any], *, grouped: bool = True) -> list[FieldChange]:
    names = [name for name in dict.fromkeys([*old, *new]) if old.get(name) != new.get(name)]
    return [
        FieldChange(name, old.get(name), new.get(name), _GROUP_OF.get(name, "") if grouped else "")
        for name in names
    ]


def _line_changes(old_items: list[dict[str, Any]], new_items: list[dict[str, Any]]) -> list[LineChange]:
    old = {item["line"]: item for item in old_items}
    new = {item["line"]: item for item in new_items}
    changes = []
    for line in sorted(old.keys() | new.keys()):
        before, after = old.get(line), new.get(line)
        if before is None or after is None:
            changes.append(LineChange(line, "added" if before is None else "removed", before, after))
        elif before != after:
            columns = _field_changes(before, after, grouped=False)
            changes.append(LineChange(line, "changed", before, after, columns))
    return changes
