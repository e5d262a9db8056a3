"""The application form as flat field names (``consignee.name``, ``items.3.hs_code``) over the API's document.

The page posts flat names; they are folded into the document the API accepts and validated by the
API's own serializer, and its errors are unfolded back onto the same names, so each error sits
next to its field in the user's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from certificates.applications.api.serializers import ApplicationInputSerializer

# Optional members the API refuses blank: a blank field on the page means "not stated".
_OPTIONAL_ITEM_MEMBERS = ("origin_criterion", "marks")
# The goods line's columns on the page, with their headings.
ITEM_COLUMNS = {
    "description": _("Description"),
    "hs_code": _("HS code"),
    "quantity": _("Quantity"),
    "unit": _("Unit"),
    "net_weight_kg": _("Net, kg"),
    "gross_weight_kg": _("Gross, kg"),
    "value": _("Value"),
    "currency": _("Currency"),
    "origin_country": _("Origin"),
    "origin_criterion": _("Criterion"),
    "packages.count": _("Packages"),
    "packages.kind": _("Kind"),
    "marks": _("Marks"),
}
_FORM_MEMBERS = frozenset({"type", "consignee", "country_of_export", "country_of_destination"}) | frozenset(
    {"transport", "invoice", "items", "print_language", "replaces"}
)


def fold(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Flat names → the nested document; numbered levels become lists in their numeric order."""
    document: dict[str, Any] = {}
    for name, value in pairs:
        path = name.split(".")
        if path[0] not in _FORM_MEMBERS:
            continue
        node: Any = document
        for key in path[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                break  # a name posted both as a value and as a parent ("items=x&items.0.…"): keep the value
        else:
            if not isinstance(node.get(path[-1]), dict):
                node[path[-1]] = value.strip()
    listed: dict[str, Any] = _listed(document)
    return listed


def _listed(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if node and all(key.isdigit() for key in node):
        return [_listed(node[key]) for key in sorted(node, key=int)]
    return {key: _listed(value) for key, value in node.items()}


def application_document(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The API's document from the posted form: blank lines dropped, unstated optional members left out."""
    document = fold(pairs)
    items = document.get("items", [])
    # Lines are numbered fields; anything else posted as "items" is no goods line at all.
    lines = items if isinstance(items, list) else []
    document["items"] = [_stated(item) for item in lines if isinstance(item, dict) and any(_values(item))]
    if not document.get("replaces"):
        document.pop("replaces", None)
    return document


def _values(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _values(value)
    elif node:
        yield node


def _stated(item: dict[str, Any]) -> dict[str, Any]:
    stated = {key: value for key, value in item.items() if key not in _OPTIONAL_ITEM_MEMBERS or value}
    packages = stated.pop("packages", None) or {}
    if not isinstance(packages, dict) or any(packages.values()):  # not an object: the serializer says so
        stated["packages"] = packages
    return stated


def unfold(node: Any, prefix: str = "") -> dict[str, Any]:
    """The nested document (or its errors) → flat names; lists are numbered from 0."""
    if isinstance(node, Mapping):
        entries: Iterable[tuple[Any, Any]] = node.items()
    elif isinstance(node, list) and node and not all(isinstance(entry, str) for entry in node):
        entries = enumerate(node)
    else:
        return {prefix: node} if prefix else {}
    flat: dict[str, Any] = {}
    for key, value in entries:
        flat.update(unfold(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def validated(
    document: dict[str, Any], *, partial: bool = False
) -> tuple[tuple[dict[str, Any], list[dict[str, Any]] | None] | None, dict[str, Any]]:
    """The service's arguments and no errors, or ``None`` and the errors by flat field name."""
    serializer = ApplicationInputSerializer(data=document, partial=partial)
    if serializer.is_valid():
        return serializer.to_service_arguments(), {}
    return None, {name: [str(message) for message in messages] for name, messages in _errors(serializer)}


def _errors(serializer: ApplicationInputSerializer) -> Iterable[tuple[str, list[Any]]]:
    for name, messages in unfold(serializer.errors).items():
        yield name.replace("non_field_errors", "").rstrip("."), _as_list(messages)


def _as_list(messages: Any) -> list[Any]:
    return list(messages) if isinstance(messages, list) else [messages]


def item_rows(values: Mapping[str, Any], errors: Mapping[str, Any]) -> list[list[dict[str, Any]]]:
    """The goods lines the form shows, cell by cell, at least one (blank) line."""
    count = 1 + max((int(name.split(".")[1]) for name in values if name.startswith("items.")), default=0)
    return [
        [_cell(f"items.{index}.{column}", label, values, errors) for column, label in ITEM_COLUMNS.items()]
        for index in range(count)
    ]


def _cell(name: str, label: Any, values: Mapping[str, Any], errors: Mapping[str, Any]) -> dict[str, Any]:
    value = values.get(name, "")
    return {
        "name": name,
        "value": "" if value is None else value,
        "label": label,
        "errors": errors.get(name, []),
    }
