"""The certificate document of CONTRACT §1, built from an approved application."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any

from certificates.accounts.models import Organization
from certificates.applications.models import Application, GoodsItem
from signing.times import rfc3339

DOCUMENT_SCHEMA = "certsvc.certificate.v1"


def _decimal(value: Decimal, places: int) -> str:
    return str(Decimal(value).quantize(Decimal(1).scaleb(-places)))


def _party(*, name: str, country: Any, address: str, tax_id: str) -> dict[str, str]:
    return {"name": name, "country": str(country), "address": address, "tax_id": tax_id}


def certificate_document_build(
    *,
    application: Application,
    issuer: Organization,
    number: str,
    issued_at: datetime,
    valid_from: date,
    valid_until: date,
    replaces: str | None,
) -> dict[str, Any]:
    """The certificate document of CONTRACT §1; decimals as fixed-precision strings."""
    return {
        "schema": DOCUMENT_SCHEMA,
        "number": number,
        "type": application.type,
        "issued_at": rfc3339(issued_at),
        "valid_from": valid_from.isoformat(),
        "valid_until": valid_until.isoformat(),
        "issuer": {"name": issuer.name, "country": str(issuer.country)},
        **_trade(application),
        # all(), not order_by(): a signing batch has prefetched every application's items.
        "items": [_item(item) for item in sorted(application.items.all(), key=attrgetter("line"))],
        "replaces": replaces,
    }


def _trade(application: Application) -> dict[str, Any]:
    """Who sells to whom, from where to where, how, and on which invoice."""
    exporter = application.exporter
    return {
        "exporter": _party(
            name=exporter.name, country=exporter.country, address=exporter.address, tax_id=exporter.tax_id
        ),
        "consignee": _party(
            name=application.consignee_name,
            country=application.consignee_country,
            address=application.consignee_address,
            tax_id=application.consignee_tax_id,
        ),
        "country_of_export": str(application.country_of_export),
        "country_of_destination": str(application.country_of_destination),
        "transport": {"mode": application.transport_mode, "details": application.transport_details},
        "invoice": {"number": application.invoice_number, "date": application.invoice_date.isoformat()},
    }


def _item(item: GoodsItem) -> dict[str, Any]:
    return {**_item_v1(item), **_item_ct1(item)}


def _item_v1(item: GoodsItem) -> dict[str, Any]:
    return {
        "line": item.line,
        "description": item.description,
        "hs_code": item.hs_code,
        "quantity": _decimal(item.quantity, 3),
        "unit": item.unit,
        "net_weight_kg": _decimal(item.net_weight_kg, 3),
        "gross_weight_kg": _decimal(item.gross_weight_kg, 3),
        "value": _decimal(item.value, 2),
        "currency": item.currency,
        "origin_country": str(item.origin_country),
    }


def _item_ct1(item: GoodsItem) -> dict[str, Any]:
    """The CT-1 columns of CONTRACT §1 (v1.1), each present only when the exporter stated it."""
    stated: dict[str, Any] = {}
    if item.origin_criterion:
        stated["origin_criterion"] = item.origin_criterion
    if item.packages_count is not None and item.packages_kind:
        stated["packages"] = {"count": str(item.packages_count), "kind": item.packages_kind}
    if item.marks:
        stated["marks"] = item.marks
    return stated
