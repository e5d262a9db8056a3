"""Validators for codes that cross the border: tax ids, HS codes, units, currencies."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.by import unp
from stdnum.exceptions import ValidationError as StdnumError

_UZ_TIN = re.compile(r"^[2-9]\d{8}$")


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
