"""Verify's dry run of a declaration (CONTRACT §10): a recording's input and rules, nothing written.

Registered into verification at start-up (``certificates.apps``): verification sits below this
room and never imports it.
"""

from __future__ import annotations

from typing import Any

from certificates.customs.api.serializers import DeclarationCheckInputSerializer
from certificates.customs.matching import MATCH, DeclaredLine, line_results
from certificates.customs.selectors import certificate_item_usages
from certificates.verification.declaration_check import DeclarationChecker
from certificates.verification.entry import RegistryEntry


def declaration_lines_check(entry: RegistryEntry | None, declaration: dict[str, Any]) -> dict[str, Any]:
    """Each line's result against what remains now; with no certificate on record, ``unknown_line``."""
    lines = [DeclaredLine(**line) for line in declaration["lines"]]
    usages = certificate_item_usages(entry) if entry is not None else {}
    results = line_results(lines=lines, usages=usages)
    return {
        "ok": all(result == MATCH for result in results),
        "lines": [
            {"item_line": line.item_line, "result": result}
            for line, result in zip(lines, results, strict=True)
        ],
    }


DECLARATION_CHECKER = DeclarationChecker(
    input_serializer=DeclarationCheckInputSerializer, check=declaration_lines_check
)
