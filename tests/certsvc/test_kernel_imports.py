"""The kernel imports no app (DESIGN.md): the apps register their health checks and metrics with it."""

from __future__ import annotations

import ast
from pathlib import Path

import certsvc

APPS = ("certificates", "signing", "bench")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_no_kernel_module_imports_an_app():
    kernel = Path(certsvc.__file__).parent
    offending = [
        f"{path.relative_to(kernel.parent)} imports {module}"
        for path in sorted(kernel.rglob("*.py"))
        for module in sorted(imported_modules(path))
        if module.split(".")[0] in APPS
    ]
    assert not offending, "\n".join(offending)
