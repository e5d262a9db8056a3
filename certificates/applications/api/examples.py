"""Request bodies shown in the OpenAPI schema; the create example is docs/examples/application.json."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample

_ITEMS = [
    {
        "description": "Cotton T-shirts, knitted, men's",
        "hs_code": "6109100000",
        "quantity": "1200",
        "unit": "H87",
        "net_weight_kg": "240.000",
        "gross_weight_kg": "262.500",
        "value": "5400.00",
        "currency": "USD",
        "origin_country": "UZ",
        "origin_criterion": "П",
        "packages": {"count": "48", "kind": "CT"},
        "marks": "TTE/MTJ 0042, cartons 1-48",
    },
    {
        "description": "Cotton yarn, combed, not put up for retail sale",
        "hs_code": "520523",
        "quantity": "800",
        "unit": "KGM",
        "net_weight_kg": "800.000",
        "gross_weight_kg": "815.000",
        "value": "3120.00",
        "currency": "USD",
        "origin_country": "UZ",
        "origin_criterion": "Д",
        "packages": {"count": "32", "kind": "BG"},
    },
]

APPLICATION = {
    "type": "export",
    "consignee": {
        "name": "Minsk Trading JSC",
        "country": "BY",
        "address": "10 Nezavisimosti Avenue, Minsk 220030, Belarus",
        "tax_id": "100582333",
    },
    "country_of_export": "UZ",
    "country_of_destination": "BY",
    "transport": {"mode": "road", "details": "Truck 01 A 123 BC, via Kazakhstan and Russia"},
    "invoice": {"number": "INV-2026-0042", "date": "2026-11-20"},
    "items": _ITEMS,
    "print_language": "uz",
}

APPLICATION_EXAMPLES = [
    OpenApiExample(
        "An export of textiles from Uzbekistan to Belarus",
        value=APPLICATION,
        request_only=True,
        description="Valid as is (docs/examples/application.json): a Belarusian UNP with its check "
        "digit, a 10- and a 6-digit HS code, UN/ECE Rec. 20 units H87 and KGM, decimals as strings; "
        "CT-1 origin criteria П and Д, packages as UN/ECE Rec. 21 codes (CT cartons, BG bags), marks "
        "on the first item only (optional), printed in Russian and Uzbek.",
    )
]

APPLICATION_CHANGE_EXAMPLES = [
    OpenApiExample(
        "Correct the invoice",
        value={"invoice": {"number": "INV-2026-0042-A", "date": "2026-11-21"}},
        request_only=True,
        description="Only the members sent change; `invoice` is replaced as a whole object.",
    ),
    OpenApiExample(
        "Replace the goods items",
        value={"items": _ITEMS[:1]},
        request_only=True,
        description="`items` is replaced as a whole list.",
    ),
]

REPLACEMENT_EXAMPLES = [
    OpenApiExample(
        "Correct the consignee address",
        value={
            "consignee": {
                "name": "Minsk Trading JSC",
                "country": "BY",
                "address": "12 Nezavisimosti Avenue, Minsk 220030, Belarus",
                "tax_id": "100582333",
            }
        },
        request_only=True,
        description="Members not sent are copied from the certificate being replaced.",
    )
]

REASON_EXAMPLES = [
    OpenApiExample(
        "A reason",
        value={"reason": "The invoice date does not match the attached invoice."},
        request_only=True,
    )
]
