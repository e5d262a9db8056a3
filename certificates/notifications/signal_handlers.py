"""Signal receivers: signing-key changes become events for customs organizations."""

from __future__ import annotations

from certificates.accounts.models import Organization
from certificates.notifications.models import EventType
from certificates.notifications.services import event_emit
from signing import signals


def connect_signing_signals() -> None:
    signals.signing_key_activated.connect(
        on_signing_key_activated, dispatch_uid="notifications.key_activated"
    )
    signals.signing_key_revoked.connect(on_signing_key_revoked, dispatch_uid="notifications.key_revoked")


def on_signing_key_activated(sender, key, previous=None, **kwargs) -> None:
    data = {
        "kid": key.kid,
        "activated_at": key.activated_at,
        "previous_kid": getattr(previous, "kid", None),
    }
    event_emit(type=EventType.SIGNING_KEY_ROTATED, data=data, subscribers_of_kind=Organization.Kind.CUSTOMS)


def on_signing_key_revoked(sender, key, **kwargs) -> None:
    data = {
        "kid": key.kid,
        "compromised_at": getattr(key, "compromised_at", None),
        "reason": getattr(key, "revocation_reason", ""),
    }
    event_emit(type=EventType.SIGNING_KEY_REVOKED, data=data, subscribers_of_kind=Organization.Kind.CUSTOMS)
