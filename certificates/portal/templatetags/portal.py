"""Form fields that show their error beside them, and small helpers the portal's templates share."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _
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
        "value": str((context.get("values") or {}).get(name, "") or ""),
        "errors": (context.get("errors") or {}).get(name, []),
        "required": options.get("required", True),
    }


@register.filter
def lookup(mapping: Any, key: str) -> Any:
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.simple_tag
def cell_name(index: int, column: str) -> str:
    return f"items.{index}.{column}"


# What the timeline says of each audited action.
ACTIONS = {
    "created": _("created"),
    "updated": _("changed"),
    "submitted": _("submitted"),
    "returned": _("returned for corrections"),
    "approved": _("approved"),
    "rejected": _("rejected"),
    "withdrawn": _("withdrawn"),
    "issued": _("certificate issued"),
    "assigned": _("taken by an officer"),
    "reassigned": _("given to another officer"),
    "items_imported": _("goods lines imported"),
    "document_attached": _("document attached"),
    "document_removed": _("document removed"),
    "revoked": _("revoked"),
    "superseded": _("superseded"),
}


@register.filter
def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


LINE_CHANGES = {"added": _("added"), "removed": _("removed"), "changed": _("changed")}


@register.filter
def change_label(change: str) -> str:
    return str(LINE_CHANGES.get(change, change))


@register.filter
def clock(duration: timedelta) -> str:
    """A duration as hours:minutes:seconds, whole seconds (days counted in the hours)."""
    seconds = round(duration.total_seconds())
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
