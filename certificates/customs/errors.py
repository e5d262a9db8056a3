"""How the customs room says no: a problem with a stable ``code`` and, at times, more members."""

from __future__ import annotations

from typing import Any

from certsvc.problems import ProblemError


class DeclarationError(ProblemError):
    """A declaration cannot be recorded or annulled; ``members`` go into the problem body."""

    def __init__(self, code: str, detail: str, *, status_code: int | None = None, **members: Any):
        super().__init__(code, detail, status_code=status_code)
        self.members = members
