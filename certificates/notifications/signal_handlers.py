"""Signal receivers: signing-key changes become events for customs organizations."""

from __future__ import annotations

from typing import Any

from certificates.accounts.models import Organization
from certificates.notifications.models import EventType
from certificates.notifications.services import event_emit
from signing import signals
from signing.models import SigningKey


def connect_signing_signals() -> None:
    signals.signing_key_activated.connect(
        on_signing_key_activated, dispatch_uid="notifications.key_activated"
    )
    signals.signing_key_revoked.connect(on_signing_key_revoked, dispatch_uid="notifications.key_revoked")


def on_signing_key_activated(
    sender: object, key: SigningKey, previous: SigningKey | None = None, **kwargs: Any
) -> None:
    data = {
        "kid": key.kid,
        "activated_at": key.activated_at,
        "previous_kid": previous.kid if previous else None,
    }
    event_emit(type=EventType.SIGNING_KEY_ROTATED, data=data, subscribers_of_kind=Organization.Kind.CUSTOMS)


def on_signing_key_revoked(sender: object, key: SigningKey, **kwargs: Any) -> None:
    data = {
        "kid": key.kid,
        "compromised_at": key.compromised_at,
        "reason": key.revocation_reason,
    }
    event_emit(type=EventType.SIGNING_KEY_REVOKED, data=data, subscribers_of_kind=Organization.Kind.CUSTOMS)
