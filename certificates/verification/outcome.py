"""What a verification found: named checks in order; the status is the first failure's."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from certificates.verification.entry import RegistryEntry
from certificates.verification.statuses import VALID


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str | None = None
    fails_as: str = VALID

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"name": self.name, "ok": self.ok}
        if self.detail:
            body["detail"] = self.detail
        return body


@dataclass
class Outcome:
    """The checks in order, the number asked about, and the registry entry it matched."""

    checks: list[Check] = field(default_factory=list)
    number: str | None = None
    certificate: RegistryEntry | None = None

    @property
    def status(self) -> str:
        return next((check.fails_as for check in self.checks if not check.ok), VALID)
