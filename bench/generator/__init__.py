"""The bulk data generator of the benchmarks (``bench/generate.py`` runs it).

This package's own module stays free of Django so that scripts can import its names
before Django is set up; ``plan``, ``rows``, ``writer`` and ``run`` import models.
"""

from __future__ import annotations

MAX_SEQUENCE = 999_999
MAX_COUNT = MAX_SEQUENCE * 5 // 4  # four exports and one import per five: the numbers of one year
TABLES = [
    "certificates_certificateevent",
    "certificates_applicationevent",
    "certificates_issuanceorder",
    "certificates_verification",
    "certificates_goodsitem",
    "certificates_certificate",
    "certificates_application",
    "certificates_numbersequence",
    "transparency_checkpoint",
    "transparency_lognode",
    "transparency_logleaf",
    "transparency_loghead",
]


class GeneratorError(Exception):
    """The generator cannot run as asked; the message says why."""
