"""Certificate numbers: gapless per body, year and type, allocated inside the issuing transaction."""

from __future__ import annotations

from certificates.accounts.models import Organization
from certificates.applications.models import Application
from certificates.issuance.models import NumberSequence

TYPE_CODES: dict[str, str] = {Application.Type.EXPORT: "EX", Application.Type.IMPORT: "IM"}
# What certificate_number_allocate produces (prefixes are validated on the body); URLs match it.
NUMBER_PATTERN = r"[A-Z]{2,8}-\d{4}-[A-Z]{2}-\d{6}"


def certificate_number_allocate(*, issuer: Organization, year: int, type: str) -> tuple[int, str]:
    """The body's next number of ``year`` and ``type``: gapless: it commits or rolls back with the issue."""
    return certificate_numbers_allocate(issuer=issuer, year=year, type=type, count=1)[0]


def certificate_numbers_allocate(
    *, issuer: Organization, year: int, type: str, count: int
) -> list[tuple[int, str]]:
    """The body's next ``count`` numbers of ``year`` and ``type``, with one lock of the sequence."""
    prefix = issuer.certificate_prefix
    NumberSequence.objects.bulk_create(
        [NumberSequence(prefix=prefix, year=year, type=type)], ignore_conflicts=True
    )
    sequence = NumberSequence.objects.select_for_update().get(prefix=prefix, year=year, type=type)
    first = sequence.last + 1
    sequence.last += count
    sequence.save(update_fields=["last"])
    code = TYPE_CODES[type]
    return [(value, f"{prefix}-{year}-{code}-{value:06d}") for value in range(first, sequence.last + 1)]
