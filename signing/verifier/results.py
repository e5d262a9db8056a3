"""The verdict: each check in the order it ran, and the status of the first that failed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NotRequired, TypedDict

from signing.verifier.texts import text

__all__ = ["PRECEDENCE", "Check", "Checks", "Result", "rank"]

# CONTRACT §4: when two findings disagree (offline and online), the earlier one here wins.
PRECEDENCE = (
    "malformed",
    "bad_signature",
    "unknown_key",
    "key_revoked",
    "registry_mismatch",
    "not_found",
    "revoked",
    "superseded",
    "expired",
    "not_yet_valid",
    "exhausted",
    "valid",
)


class Check(TypedDict):
    name: str
    ok: bool
    detail: NotRequired[str]


@dataclass(frozen=True)
class Result:
    valid: bool
    status: str
    number: str | None
    checks: list[Check] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "status": self.status, "number": self.number, "checks": self.checks}


class Checks:
    """The checks run so far; the status is ``valid`` until one fails."""

    def __init__(self, language: str = "en") -> None:
        self.items: list[Check] = []
        self.status = "valid"
        self.language = language

    def add(self, name: str, ok: bool, fails_as: str, detail: str | None = None, **params: object) -> bool:
        """Record a check (``fails_as`` is the status if it is the first to fail); returns ``ok``.

        ``detail`` is an English message of the catalog (``texts``), given in the checks' language.
        """
        entry: Check = {"name": name, "ok": ok}
        if detail:
            entry["detail"] = text(self.language, detail, **params)
        self.items.append(entry)
        if not ok and self.status == "valid":
            self.status = fails_as
        return ok

    def result(self, number: str | None) -> Result:
        return Result(valid=self.status == "valid", status=self.status, number=number, checks=self.items)


def rank(status: str) -> int:
    """Position in ``PRECEDENCE``; a status the service may add later ranks first (fails closed)."""
    return PRECEDENCE.index(status) if status in PRECEDENCE else 0
