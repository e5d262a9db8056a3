"""``--body CC`` / ``--registry``: which owner a key command acts for (CONTRACT §3 v1.1)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from signing.scopes import REGISTRY, scope_normalized


def add_scope_arguments(parser: CommandParser, *, required: bool = True) -> None:
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument("--body", metavar="CC", help="the issuing body of this country (e.g. UZ, BY)")
    group.add_argument("--registry", action="store_true", help="the registry (receipts, bundles, log)")


def scope_from_options(options: dict[str, Any]) -> str | None:
    """The scope the options name; ``None`` when neither was given."""
    if options.get("registry"):
        return REGISTRY
    body = options.get("body")
    return scope_normalized(body) if body else None
