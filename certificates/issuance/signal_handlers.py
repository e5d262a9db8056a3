"""Issuance's answers to what the rooms below it announce."""

from __future__ import annotations

from typing import Any

from certificates.applications.models import Application
from certificates.applications.signals import application_approved
from certificates.issuance.services import issuance_order_open


def open_issuance_order(sender: Any, *, application: Application, **kwargs: Any) -> None:
    """An approval opens its signing order in the same transaction, so neither commits without the other."""
    issuance_order_open(application=application)


def connect() -> None:
    application_approved.connect(open_issuance_order, dispatch_uid="issuance-open-order")
