"""Whether declared lines fit what a certificate's items have left (CONTRACT §10)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from certificates.customs.models import ItemUsage

MATCH = "match"
HS_PREFIX = 6


@dataclass(frozen=True)
class DeclaredLine:
    item_line: int
    hs_code: str
    quantity: Decimal
    unit: str


def line_mismatches(
    *, lines: Sequence[DeclaredLine], usages: Mapping[int, ItemUsage]
) -> list[dict[str, str]]:
    """``[{field, message, code}]`` for every line that does not fit; empty when all match."""
    return [
        {"field": f"lines.{index}.{member}", "message": message, "code": code}
        for index, line in enumerate(lines)
        for member, code, message in _mismatches(line, usages.get(line.item_line))
    ]


def line_results(*, lines: Sequence[DeclaredLine], usages: Mapping[int, ItemUsage]) -> list[str]:
    """Each line's result: ``match``, or the code of its first mismatch, in ``line_mismatches``' order."""
    return [
        next((code for _member, code, _text in _mismatches(line, usages.get(line.item_line))), MATCH)
        for line in lines
    ]


def _mismatches(line: DeclaredLine, usage: ItemUsage | None) -> Iterator[tuple[str, str, str]]:
    if usage is None:
        yield "item_line", "unknown_line", _("The certificate has no item with this line number.")
        return
    if line.hs_code[:HS_PREFIX] != usage.hs_code[:HS_PREFIX]:
        yield "hs_code", "hs_code_mismatch", _("The first six digits differ from the item's HS code.")
    if line.unit != usage.unit:
        yield "unit", "unit_mismatch", _("The unit differs from the item's unit.")
    if line.quantity > usage.remaining:
        remaining = {"remaining": quantity_text(usage.remaining)}
        yield "quantity", "quantity_exceeds_remaining", _("Only %(remaining)s remains.") % remaining


def same_lines(recorded: Sequence[DeclaredLine], sent: Sequence[DeclaredLine]) -> bool:
    """Equal content, quantities compared as numbers ("5" is "5.000"), lines in any order."""
    return sorted(recorded, key=_line_key) == sorted(sent, key=_line_key)


def _line_key(line: DeclaredLine) -> tuple[int, str, Decimal, str]:
    return line.item_line, line.hs_code, line.quantity.normalize(), line.unit


def quantity_text(value: Decimal) -> str:
    return f"{value:.3f}"
