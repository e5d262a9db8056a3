"""Credentials' answers to what issuance announces."""

from __future__ import annotations

from typing import Any

from certificates.credentials import services as credentials
from certificates.issuance.signals import certificate_issued, certificate_watchers_asked


def sign_credential(sender: Any, *, number: str, **kwargs: Any) -> None:
    """A certificate just committed: a worker signs its credential."""
    credentials.certificate_credential_queue(number=number)


def refresh_status_list(sender: Any, **kwargs: Any) -> list[Any]:
    """A certificate is being revoked or superseded: its bit is set once that commits. Watches nobody."""
    credentials.status_list_queue_on_commit()
    return []


def connect() -> None:
    certificate_issued.connect(sign_credential, dispatch_uid="credentials-sign")
    certificate_watchers_asked.connect(refresh_status_list, dispatch_uid="credentials-status-list")
