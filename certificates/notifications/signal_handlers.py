"""Signal receivers: key changes become events for customs organizations, checkpoints for witnesses."""

from __future__ import annotations

from typing import Any

from certificates.accounts.models import Organization
from certificates.notifications.models import EventType
from certificates.notifications.services import event_emit
from signing import signals
from signing.models import SigningKey
from signing.transparency.models import Checkpoint
from signing.transparency.services import checkpoint_body


def connect_signing_signals() -> None:
    signals.signing_key_activated.connect(
        on_signing_key_activated, dispatch_uid="notifications.key_activated"
    )
    signals.signing_key_revoked.connect(on_signing_key_revoked, dispatch_uid="notifications.key_revoked")
    signals.checkpoint_signed.connect(on_checkpoint_signed, dispatch_uid="notifications.checkpoint_signed")


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


def on_checkpoint_signed(sender: object, checkpoint: Checkpoint, **kwargs: Any) -> None:
    """Ask every active witness's organization, on its webhooks, to cosign (CONTRACT §11): no polling."""
    witnessing = Organization.objects.filter(users__witnesses__active=True).distinct()
    if not witnessing.exists():
        return
    data = checkpoint_body(
        tree_size=checkpoint.tree_size, root_hash=bytes(checkpoint.root_hash), timestamp=checkpoint.timestamp
    )
    event_emit(type=EventType.LOG_CHECKPOINT_PUBLISHED, data=data, webhook_organizations=witnessing)
