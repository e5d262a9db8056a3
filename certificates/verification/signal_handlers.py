"""Verification's answers to what issuance announces."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from certificates.issuance.models import Certificate
from certificates.verification.local_rows import local_rows_forget, registry_changed
from signing import signals as signing_signals
from signing.models import SigningKey


def keys_changed(**_: Any) -> None:
    """A key changed: this process forgets its kept rows now and at commit; the other processes see
    the published keys' epoch move (``signing.published``), which their kept rows watch too."""
    local_rows_forget()
    transaction.on_commit(local_rows_forget)


def connect() -> None:
    # Every save of a certificate or key, through the services or not, reaches the kept rows.
    for model_signal in (post_save, post_delete):
        model_signal.connect(registry_changed, sender=Certificate, dispatch_uid="verification-rows")
        model_signal.connect(keys_changed, sender=SigningKey, dispatch_uid="verification-rows-keys")
    for key_signal in (signing_signals.signing_key_activated, signing_signals.signing_key_revoked):
        key_signal.connect(keys_changed, dispatch_uid="verification-rows-keys")
