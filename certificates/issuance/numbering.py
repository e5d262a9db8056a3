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
    prefix = issuer.certificate_prefix
    NumberSequence.objects.bulk_create(
        [NumberSequence(prefix=prefix, year=year, type=type)], ignore_conflicts=True
    )
    sequence = NumberSequence.objects.select_for_update().get(prefix=prefix, year=year, type=type)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last, f"{prefix}-{year}-{TYPE_CODES[type]}-{sequence.last:06d}"
