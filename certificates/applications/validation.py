"""The CT-1 columns of a goods item: origin criterion (column 8), packages (column 6) and marks (column 5).

The accepted codes are data, shipped beside the UN/ECE Rec 20 units in ``certificates/data/``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
ORIGIN_CRITERIA_FILE = DATA_DIR / "cis_origin_criteria.csv"
PACKAGE_KINDS_FILE = DATA_DIR / "unece_rec21.csv"
MARKS_MAX_LENGTH = 500
PACKAGES_MAX_COUNT = 10**9


@dataclass(frozen=True)
class OriginCriterion:
    """One CT-1 column 8 code of the CIS rules of 20 November 2009, named in the three languages."""

    code: str
    ru: str
    uz: str
    en: str


@cache
def origin_criteria() -> dict[str, OriginCriterion]:
    """The accepted origin criteria by code, in the order the data file lists them."""
    with ORIGIN_CRITERIA_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["code"]: OriginCriterion(row["code"], row["name_ru"], row["name_uz"], row["name_en"])
        for row in rows
    }


@cache
def package_kinds() -> dict[str, str]:
    """UN/ECE Recommendation 21 package codes accepted on goods items, with their English names."""
    with PACKAGE_KINDS_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


def validate_origin_criterion(value: str) -> None:
    if value not in origin_criteria():
        accepted = ", ".join(origin_criteria())
        raise ValidationError(
            _("Not an origin criterion of the CIS rules (accepted: %(codes)s).") % {"codes": accepted},
            code="invalid_origin_criterion",
        )


def validate_package_kind(value: str) -> None:
    if value not in package_kinds():
        raise ValidationError(
            _("Not a supported UN/ECE Recommendation 21 package code."), code="invalid_package_kind"
        )
