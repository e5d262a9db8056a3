"""Validators for codes that cross the border: tax ids, HS codes, countries, units, currencies."""

from __future__ import annotations

import csv
import re
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import pycountry
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from stdnum.by import unp
from stdnum.exceptions import ValidationError as StdnumError

_UZ_TIN = re.compile(r"^[2-9]\d{8}$")
_HS_CODE = re.compile(r"^\d{6}(\d{2}){0,2}$")
UNITS_FILE = Path(__file__).resolve().parent / "data" / "unece_rec20.csv"


def validate_tax_id(country: str, tax_id: str) -> None:
    """Belarus UNP by its checksum (python-stdnum); Uzbekistan INN/STIR: 9 digits."""
    if not tax_id:
        return
    if country == "BY":
        try:
            unp.validate(tax_id)
        except StdnumError as exc:
            raise ValidationError(_("Not a valid Belarusian UNP."), code="invalid_tax_id") from exc
    elif country == "UZ" and not _UZ_TIN.match(tax_id):
        raise ValidationError(_("An Uzbek INN (STIR) has 9 digits."), code="invalid_tax_id")


def validate_hs_code(value: str) -> None:
    """Harmonized System code: 6 digits (HS), 8 (e.g. EAEU CN FEA) or 10 (national)."""
    if not _HS_CODE.match(value or ""):
        raise ValidationError(_("An HS code has 6, 8 or 10 digits."), code="invalid_hs_code")


def validate_country(value: str) -> None:
    """ISO 3166-1 alpha-2, upper case."""
    if value not in countries:
        raise ValidationError(_("Not an ISO 3166-1 alpha-2 country code."), code="invalid_country")


def validate_currency(value: str) -> None:
    """ISO 4217 alphabetic code, upper case."""
    if not (len(value) == 3 and value.isupper() and pycountry.currencies.get(alpha_3=value)):
        raise ValidationError(_("Not an ISO 4217 currency code."), code="invalid_currency")


@cache
def unit_codes() -> dict[str, str]:
    """UN/ECE Recommendation 20 unit codes accepted on goods items, with their English names."""
    with UNITS_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


def validate_unit(value: str) -> None:
    if value not in unit_codes():
        raise ValidationError(_("Not a supported UN/ECE Recommendation 20 unit code."), code="invalid_unit")


def validate_positive(value: Decimal) -> None:
    if value <= 0:
        raise ValidationError(_("Must be greater than zero."), code="not_positive")


def validate_not_future(value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future_date")


def validate_number_prefix(value: str) -> None:
    """A body's number prefix: 2 to 8 capital Latin letters (numbers and URLs match only those)."""
    if value and not (value.isascii() and value.isalpha() and value.isupper() and 2 <= len(value) <= 8):
        raise ValidationError(_("A number prefix is 2 to 8 capital Latin letters."), code="invalid_prefix")
