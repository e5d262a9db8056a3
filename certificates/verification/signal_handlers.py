"""Verification's answers to what issuance announces."""

from __future__ import annotations

import logging
from typing import Any

from certificates.issuance.signals import certificate_issued
from certificates.verification.services import verification_on_record_prepare

logger = logging.getLogger(__name__)


def prepare_first_verification(sender: Any, *, number: str, **kwargs: Any) -> None:
    """Precompute what never changes about the certificate, so its first verification is fast."""
    try:
        verification_on_record_prepare(number=number)
    except Exception:  # a cache outage must not fail an issued certificate
        logger.warning("could not prepare verification of %s", number, exc_info=True)


def connect() -> None:
    certificate_issued.connect(prepare_first_verification, dispatch_uid="verification-prepare-first")
