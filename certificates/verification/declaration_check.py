"""A declaration checked against the certificate inside a verify answer, recording nothing (CONTRACT §10).

The customs room owns a declaration's lines and their rules, and sits above verification, so it
hands in at start-up (``certificates.apps``) the serializer that reads the lines and the function
that checks them; verification only calls them, as it calls the usage reader (``usage``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from certificates import roles
from certificates.verification.entry import RegistryEntry
from certsvc.problems import ProblemError


@dataclass(frozen=True)
class DeclarationChecker:
    """``input_serializer`` reads ``{"lines": […]}``; ``check(entry, validated)`` gives ``{ok, lines}``."""

    input_serializer: type[serializers.Serializer[Any]]
    check: Callable[[RegistryEntry | None, dict[str, Any]], dict[str, Any]]


_CHECKERS: list[DeclarationChecker] = []


def declaration_checker_register(checker: DeclarationChecker) -> None:
    _CHECKERS[:] = [checker]


def _checker() -> DeclarationChecker:
    if not _CHECKERS:
        raise RuntimeError("no declaration checker is registered (certificates.apps registers it)")
    return _CHECKERS[0]


def declaration_check_allowed_require(*, user: Any) -> None:
    """Only customs users may send a ``declaration``: anyone else gets a 400 problem."""
    if not roles.is_customs(user):
        raise ProblemError(
            "declaration_check_not_customs",
            _("Only customs users can check a declaration against a certificate."),
            status_code=400,
        )


def declaration_check(
    *, entry: RegistryEntry | None, declaration: dict[str, Any], valid: bool
) -> dict[str, Any]:
    """``{"ok", "lines": [{"item_line", "result"}]}``; ``ok`` only when all lines match and ``valid``."""
    checked = _checker().check(entry, declaration)
    return {"ok": bool(checked["ok"]) and valid, "lines": checked["lines"]}


class DeclarationField(serializers.Field[Any, Any, Any, Any]):
    """The request's ``declaration``, read by the customs room's serializer (its errors, its paths)."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        serializer = _checker().input_serializer(data=data, context=self.context)
        if not serializer.is_valid():
            raise serializers.ValidationError(serializer.errors)
        return dict(serializer.validated_data)


class DeclarationFieldSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]  # untyped in drf-spectacular
    """The schema of ``declaration`` is the registered serializer's component."""

    target_class = DeclarationField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        return auto_schema.resolve_serializer(_checker().input_serializer, direction).ref
