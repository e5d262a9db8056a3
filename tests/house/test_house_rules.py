"""The house rules of the code itself: modules a reader can hold, functions short enough to name."""

from __future__ import annotations

import ast
import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("certsvc", "certificates", "signing")
MAX_MODULE_LINES = 400
MAX_MEDIAN_FUNCTION_LINES = 8


def _modules() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def _function_lengths(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = (node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef))
    return [node.end_lineno - node.lineno + 1 for node in functions if node.end_lineno is not None]


def test_no_module_is_longer_than_the_limit():
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in _modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}


def test_the_median_function_is_short():
    lengths = [length for path in _modules() for length in _function_lengths(path)]
    assert len(lengths) > 500  # the whole code base was read
    assert statistics.median(lengths) <= MAX_MEDIAN_FUNCTION_LINES
