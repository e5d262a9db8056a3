"""Certificate numbers: gapless per year and type, allocated inside the issuing transaction."""

from __future__ import annotations

from django.conf import settings

from certificates.applications.models import Application
from certificates.issuance.models import NumberSequence

TYPE_CODES: dict[str, str] = {Application.Type.EXPORT: "EX", Application.Type.IMPORT: "IM"}
# What certificate_number_allocate produces (the prefix is checked in settings); URLs match it.
NUMBER_PATTERN = r"[A-Z]{2,8}-\d{4}-[A-Z]{2}-\d{6}"


def certificate_number_allocate(*, year: int, type: str) -> tuple[int, str]:
    """The next number of ``year`` and ``type``: gapless because it commits or rolls back with the issue."""
    NumberSequence.objects.bulk_create([NumberSequence(year=year, type=type)], ignore_conflicts=True)
    sequence = NumberSequence.objects.select_for_update().get(year=year, type=type)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    number = f"{settings.CERTIFICATE_NUMBER_PREFIX}-{year}-{TYPE_CODES[type]}-{sequence.last:06d}"
    return sequence.last, number
