"""Form fields that show their error beside them, and small helpers the portal's templates share."""

from __future__ import annotations

from typing import Any

from django import template
from django_countries import countries

register = template.Library()


@register.inclusion_tag("portal/partials/field.html", takes_context=True)
def field(
    context: template.Context, name: str, label: str, kind: str = "text", **options: Any
) -> dict[str, Any]:
    """A labelled input named like the API's member; ``choices`` make it a select, kind country too."""
    choices = options.get("choices")
    if kind == "country":
        choices = [("", "—"), *((code, str(title)) for code, title in countries)]
    return {
        "name": name,
        "id": "f-" + name.replace(".", "-"),
        "label": label,
        "kind": "select" if choices else kind,
        "choices": choices,
        "value": str(context.get("values", {}).get(name, "") or ""),
        "errors": context.get("errors", {}).get(name, []),
        "required": options.get("required", True),
    }


@register.filter
def lookup(mapping: Any, key: str) -> Any:
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.simple_tag
def cell_name(index: int, column: str) -> str:
    return f"items.{index}.{column}"
