"""Goods lines from the exporter's spreadsheet (CSV or XLSX), validated like the API's, imported whole.

The file's first row names the columns of :data:`GOODS_COLUMNS` (``goods_template`` builds it),
in any order; a first row that names none of them is a goods line already, its cells in the
template's order (lines pasted from a spreadsheet: tab-separated text, passed as any object with
``read()`` such as ``io.BytesIO``). Every other non-blank row is one goods line, checked with the
API's ``GoodsItemInputSerializer``.
Every bad cell is reported (row as in the sheet, column, cell reference such as ``C7``, message in
the caller's language, and the API path ``items.N.field``); nothing is imported unless every row
is good. The import *replaces* the application's goods lines by default (``mode="append"`` adds
them after the existing ones instead), under the row lock, with an audit row, up to ``MAX_ITEMS``.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from rest_framework import status

from certificates.accounts.models import User
from certificates.applications.api.serializers import GoodsItemInputSerializer
from certificates.applications.guards import require_editable, require_own_exporter
from certificates.applications.models import GOODS_ITEM_COLUMNS, Application
from certificates.applications.services import (
    ITEM_FIELDS,
    MAX_ITEMS,
    _copied_items,
    _lock,
    _record,
    _replace_items,
)
from certificates.applications.uploads import XLSX, spreadsheet_check
from certsvc.problems import ProblemError, flatten_errors

# The template's columns: a goods item's, but the line (a row's position numbers it).
GOODS_COLUMNS = tuple(column for column in GOODS_ITEM_COLUMNS if column != "line")
REQUIRED_COLUMNS = frozenset(GOODS_COLUMNS[:10]) - {"origin_criterion"}
IMPORT_MODES = ("replace", "append")
_DECIMAL_COLUMNS = frozenset({"quantity", "net_weight_kg", "gross_weight_kg", "value"})
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
_PACKAGE_MEMBERS = {"count": "packages_count", "kind": "packages_kind"}
# The API's words for a JSON client, said as a spreadsheet user needs them.
_SHEET_MESSAGES = {
    "not_string": _("Enter a number, for example 12.500."),
    "not_whole": _("Enter a whole number of packages, for example 24."),
}


class GoodsImportError(ProblemError):
    """The file, or some of its rows, cannot be imported; ``errors`` names each bad cell."""

    default_title = _("The goods lines cannot be imported")

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(
            "validation_error",
            str(_("Some rows of the file are invalid: nothing was imported.")),
            status_code=status.HTTP_400_BAD_REQUEST,
        )
        self.errors = errors
        self.members = {"errors": errors}


def import_goods(user: User, application: Application, uploaded_file: Any, mode: str = "replace") -> int:
    """Import every line of ``uploaded_file`` into a draft or returned application; the count imported.

    Raises :class:`GoodsImportError` (400, each bad cell named) with nothing changed when any row
    is bad or the lines would exceed ``MAX_ITEMS``; 404 for another organization; 409 when not editable.
    """
    mode = _mode(mode)
    items = goods_file_check(uploaded_file)
    with transaction.atomic():
        locked = _lock(application)
        require_own_exporter(user, locked)
        require_editable(locked)
        kept = _copied_items(locked) if mode == "append" else []
        _total_check(len(kept), len(items))
        _replace_items(locked, [*kept, *items])
        _record(
            locked,
            actor=user,
            action="items_imported",
            from_status=locked.status,
            to_status=locked.status,
            reason=f"{len(items)} lines ({mode}) from {getattr(uploaded_file, 'name', '') or 'a file'}",
        )
    return len(items)


def goods_file_check(uploaded_file: Any) -> list[dict[str, Any]]:
    """The goods items of a CSV or XLSX file, validated, ready for the services; or GoodsImportError."""
    try:
        data, content_type = spreadsheet_check(uploaded_file)
    except Exception as exc:
        detail = getattr(exc, "detail", None)
        if not isinstance(detail, dict):
            raise
        raise GoodsImportError(flatten_errors(detail)) from exc
    rows = _xlsx_rows(data) if content_type == XLSX else _csv_rows(data)
    return goods_rows_validate(rows)


def goods_rows_validate(rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """Validate a header row and the rows under it (sheet row 2 on); every error of every row at once."""
    iterator = iter(rows)
    first = next(iterator, None)
    if _is_header(first):
        columns, start = _header(first), 2
    else:  # no header: the first row is a line, in the template's column order
        columns, start = list(GOODS_COLUMNS), 1
        iterator = itertools.chain([first or ()], iterator)
    items: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for sheet_row, cells in _numbered(iterator, start=start):
        if len(items) >= MAX_ITEMS:
            raise GoodsImportError([_file_error(_too_many_message(), "item_count")])
        item, row_errors = _row(columns, cells, sheet_row=sheet_row, index=len(items))
        items.append(item)
        errors += row_errors
    if not items:
        raise GoodsImportError(
            [_file_error(_("The file has no goods lines under its header row."), "no_items")]
        )
    if errors:
        raise GoodsImportError(errors)
    return items


# --- reading ---------------------------------------------------------------------


def _xlsx_rows(data: bytes) -> Iterator[tuple[Any, ...]]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of styles and extensions it does not read
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            rows = list(workbook.worksheets[0].iter_rows(values_only=True))
        workbook.close()
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook; every one is a refusal
        raise GoodsImportError([_file_error(_("The XLSX workbook cannot be read."), "file_damaged")]) from exc
    return iter(rows)


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = _("The CSV file is not UTF-8 text: save it as CSV UTF-8.")
        raise GoodsImportError([_file_error(message, "file_encoding")]) from exc
    first_line = text.split("\n", 1)[0]
    # Lines pasted from a spreadsheet are tab-separated; saved CSV uses "," or, in Russian locales, ";".
    delimiter = max(("\t", ";", ","), key=first_line.count)
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _numbered(rows: Iterator[Sequence[Any]], *, start: int) -> Iterator[tuple[int, Sequence[Any]]]:
    for sheet_row, cells in enumerate(rows, start=start):
        if any(_text(cell) for cell in cells or ()):
            yield sheet_row, cells


# --- one row ---------------------------------------------------------------------


def _is_header(cells: Sequence[Any] | None) -> bool:
    return any(_text(cell).lower() in GOODS_COLUMNS for cell in cells or ())


def _header(cells: Sequence[Any] | None) -> list[str | None]:
    names = [_text(cell).lower() or None for cell in cells or ()]
    unknown = [name for name in names if name is not None and name not in GOODS_COLUMNS]
    missing = sorted(REQUIRED_COLUMNS - set(names))
    errors = [
        _header_error(_("Unknown column %(name)s.") % {"name": name}, "unknown_column") for name in unknown
    ]
    errors += [
        _header_error(_("The column %(name)s is missing.") % {"name": name}, "missing_column")
        for name in missing
    ]
    if errors:
        raise GoodsImportError(errors)
    return names


def _row(
    columns: list[str | None], cells: Sequence[Any], *, sheet_row: int, index: int
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    values = {
        name: _text(cell, decimal=name in _DECIMAL_COLUMNS)
        for name, cell in zip(columns, cells, strict=False)
        if name
    }
    serializer = GoodsItemInputSerializer(data=_payload(values))
    if serializer.is_valid():
        return _service_item(serializer.validated_data), []
    where = {name: position for position, name in enumerate(columns, start=1) if name}
    return {}, [
        _cell_error(error, where, sheet_row=sheet_row, index=index)
        for error in flatten_errors(serializer.errors)
    ]


def _payload(values: dict[str, str]) -> dict[str, Any]:
    payload: dict[str, Any] = {name: value for name, value in values.items() if value and name in ITEM_FIELDS}
    count, kind = payload.pop("packages_count", ""), payload.pop("packages_kind", "")
    if count or kind:
        payload["packages"] = {"count": count, "kind": kind}
    return payload


def _service_item(validated: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in dict(validated).items() if name in ITEM_FIELDS}


def _cell_error(
    error: dict[str, str], where: dict[str, int], *, sheet_row: int, index: int
) -> dict[str, Any]:
    path = error["field"]
    column = _column_of(path)
    position = where.get(column or "")
    return {
        "field": f"items.{index}.{path}" if path else f"items.{index}",
        "message": str(_SHEET_MESSAGES.get(error["code"], error["message"])),
        "code": error["code"],
        "row": sheet_row,
        "column": column,
        "cell": f"{get_column_letter(position)}{sheet_row}" if position else None,
    }


def _column_of(path: str) -> str | None:
    head, _dot, member = path.partition(".")
    if head == "packages":
        return _PACKAGE_MEMBERS.get(member, "packages_count")
    return head or None


def _text(cell: Any, *, decimal: bool = False) -> str:
    """A cell as the API would receive it: text, numbers without float noise, dates as ISO."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return str(cell).lower()
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        return _float_text(cell)
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    text = str(cell).strip()
    return text.replace(",", ".") if decimal and _DECIMAL_COMMA.match(text) else text


def _float_text(value: float) -> str:
    if value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")


# --- errors ----------------------------------------------------------------------


def _file_error(message: Any, code: str) -> dict[str, Any]:
    return {"field": "file", "message": str(message), "code": code, "row": None, "column": None, "cell": None}


def _header_error(message: Any, code: str) -> dict[str, Any]:
    return {**_file_error(message, code), "row": 1}


def _too_many_message() -> Any:
    return _("An application has between 1 and %(max)d goods items.") % {"max": MAX_ITEMS}


def _total_check(kept: int, imported: int) -> None:
    if kept + imported > MAX_ITEMS:
        raise GoodsImportError([_file_error(_too_many_message(), "item_count")])


def _mode(mode: str) -> str:
    if mode not in IMPORT_MODES:
        message = _("The import mode is replace or append.")
        raise GoodsImportError([{**_file_error(message, "invalid_choice"), "field": "mode"}])
    return mode
